# Two entry points (see README): `make demo` and `make test`. Both bootstrap .venv from the
# pinned constraints on a machine that has nothing but python3. `make check` is the quick loop
# while editing: lint, types, import contracts and the tests that need no lab (docs/performance.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# The lab tests mostly wait on SSH sessions, so more workers than cores pay off: 8 took 92 s
# where 4 took 129 s, for ~3 s more CPU per worker (its start and collection; measured in
# docs/performance.md, "Workers, order and the quick loop").
TEST_WORKERS  ?= 8
CHECK_WORKERS ?= 2
# A worker takes a whole module at a time, the slowest modules first (tests/schedule.py reads
# their last recorded times from tests/module_durations.txt; `make durations` records them).
DIST := --dist loadscope --no-loadscope-reorder

# Compiled bytecode (and pytest's rewritten test modules) cached in __pycache__ saves each
# xdist worker a few seconds of compiling, even where the environment turned caching off.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test check lint tools bench durations clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The demo fleet has deliberate faults: exit 1 (findings) is the expected outcome.
demo: $(STAMP)
	$(BIN)/vpndiag demo || test $$? -eq 1

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Tests run some Debian tools for real: headless Chromium for the HTML report (about 400 MB),
# Prometheus' server and promtool for the alerting rules and the dashboard's queries. Installed
# here when missing and we are root with apt-get; otherwise those tests say what to do. Where
# systemd starts the packaged Prometheus service on install, it is stopped again at once.
tools:
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	 command -v promtool >/dev/null || missing="$$missing prometheus"; \
	 [ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     --no-install-recommends $$missing >/dev/null \
	  && { systemctl disable --now prometheus >/dev/null 2>&1 || true; }; } || true

# On a fresh clone (CI) no module has its bytecode yet, and every xdist worker would compile the
# package and rewrite the test modules' asserts itself: ~3.5 s of CPU each. One collection
# writes them all once, in the background on the core that lint (single-threaded) leaves idle.
test: $(STAMP) tools
	@$(BIN)/pytest --collect-only -q -p no:xdist -p no:cacheprovider >/dev/null 2>&1 & warm=$$!; \
	 $(MAKE) --no-print-directory lint; lint=$$?; wait $$warm; exit $$lint
	$(BIN)/pytest -q -n $(TEST_WORKERS) $(DIST)

# The quick loop leaves out the tests that start the lab fleet (`lab`, given by its fixtures),
# those that run a program `make tools` installs (`external`: Chromium, Prometheus' server) and
# the few exhaustive ones (`slow`: every line cut of every capture). `make test` runs them all.
check: lint
	$(BIN)/pytest -q -n $(CHECK_WORKERS) $(DIST) -m "not lab and not external and not slow"

# The whole suite, writing each module's time to tests/module_durations.txt (commit it when the
# slowest modules have changed: it sets the order `make test` starts them in).
durations: $(STAMP) tools
	$(BIN)/pytest -q -n $(TEST_WORKERS) $(DIST) --module-durations=tests/module_durations.txt

bench: $(STAMP)
	$(BIN)/python bench/fleet_collect.py
	$(BIN)/python bench/health_run.py
	$(BIN)/python bench/parse.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
