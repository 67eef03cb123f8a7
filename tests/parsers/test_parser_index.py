"""The parser index (``parsers/_index.py``) is what the modules register, and a lookup
imports only the modules it needs (the start time of ``parse`` and ``diagnose``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nornir_tasks.parsers import registry
from nornir_tasks.parsers._index import PARSERS_BY_MODULE

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "nornir_tasks.parsers."


def registered_by_module() -> dict[str, tuple[str, ...]]:
    registry.load_all()
    found: dict[str, list[str]] = {}
    for pattern, entry in sorted(registry._REGISTRY.items()):
        if entry.module.startswith(PACKAGE):  # not a test's own registration
            found.setdefault(entry.module.removeprefix(PACKAGE), []).append(pattern)
    return {module: tuple(patterns) for module, patterns in sorted(found.items())}


def test_the_index_is_what_the_parser_modules_register() -> None:
    actual = registered_by_module()
    table = "\n".join(f"    {m!r}: {p!r}," for m, p in actual.items()).replace("'", '"')
    assert actual == PARSERS_BY_MODULE, f"parsers/_index.py should read:\n{{\n{table}\n}}"


PROBE = """
import json, sys
from nornir_tasks.parsers import parse
before = {m for m in sys.modules if m.startswith("nornir_tasks.parsers.")}
table = parse(sys.argv[1], sys.stdin.read())
after = {m for m in sys.modules if m.startswith("nornir_tasks.parsers.")}
print(json.dumps({"model": type(table).__name__, "loaded": sorted(after - before)}))
"""


def _fresh_parse(command: str, text: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, command],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return dict(json.loads(done.stdout))


def test_a_lookup_imports_only_the_modules_its_command_needs() -> None:
    text = (ROOT / "tests/golden/blog_iosxe_ipsec_sa_send_errors_no_sa/raw.txt").read_text()
    result = _fresh_parse("sh cry ipsec sa", text)
    loaded = set(result["loaded"])  # type: ignore[call-overload]
    assert result["model"] == "IpsecSaTable"
    assert f"{PACKAGE}ipsec" in loaded
    assert not {f"{PACKAGE}running_config", f"{PACKAGE}logs", f"{PACKAGE}ip_sla"} & loaded
    assert len(loaded) < len(PARSERS_BY_MODULE)


UNKNOWN = """
import sys
from nornir_tasks.parsers import UnknownCommandError, resolve
try:
    resolve("show users")
except UnknownCommandError:
    print(sorted(m for m in sys.modules if m.startswith("nornir_tasks.parsers.")))
"""


def test_an_unknown_command_imports_no_indexed_parser_module() -> None:
    """Only a module the index does not list could know it (``show users`` in a pasted
    session imported every parser module, 0.1 s of ``diagnose``)."""
    done = subprocess.run(
        [sys.executable, "-c", UNKNOWN], capture_output=True, text=True, cwd=ROOT, check=True
    )
    loaded = {m.removeprefix(PACKAGE) for m in json.loads(done.stdout.replace("'", '"'))}
    assert loaded and not loaded & set(PARSERS_BY_MODULE)


def _typed_forms(pattern: str) -> list[str]:
    """The pattern as a command, and abbreviated (every word cut to 2 and 3 letters)."""
    words = [{"*": "10.0.0.1", "...": "brief"}.get(w, w) for w in pattern.split()]
    return [" ".join(words), *(" ".join(w[:n] for w in words) for n in (2, 3))]


def test_a_lookup_imports_every_module_whose_patterns_could_match() -> None:
    """What importing every module would find (ambiguity too) is within the modules the
    lookup imports first, for every pattern as typed in full and abbreviated."""
    registry.load_all()
    typed_commands = [t for p in registry.registered_commands() for t in _typed_forms(p)]
    typed_commands += ["sh cry s", "show ip", "sh run | sec crypto", "show version"]
    for command in typed_commands:
        typed = command.split("|", 1)[0].lower().split()
        eager = {e.module for _, e in registry._hits(typed) if e.module.startswith(PACKAGE)}
        assert eager <= registry.modules_for(typed), command


THREADS = """
import sys, threading
from nornir_tasks.parsers import resolve
commands = sys.argv[1:] * 8
found, errors = {}, []
def look(command):
    try:
        found[command] = resolve(command)[0]
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=look, args=(c,)) for c in commands]
for t in threads: t.start()
for t in threads: t.join()
print(len(found), errors)
"""


def test_first_lookups_from_many_threads_at_once_all_resolve() -> None:
    """Nornir's threads parse their first outputs together: a module half imported by one
    thread must not make another's lookup miss."""
    commands = ["show crypto isakmp sa", "sh cry ipsec sa", "show crypto map", "show logging"]
    done = subprocess.run(
        [sys.executable, "-c", THREADS, *commands],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == f"{len(commands)} []"
