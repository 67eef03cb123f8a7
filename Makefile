# Two entry points (see README): `make demo` and `make test`. Both bootstrap .venv from the
# pinned constraints on a machine that has nothing but python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

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

test: lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/fleet_collect.py
	$(BIN)/python bench/health_run.py
	$(BIN)/python bench/parse.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
