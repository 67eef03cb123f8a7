"""docs/library.md is true: its examples run verbatim against the lab and print what the page
shows, and its public API table is exactly what the modules export."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from lab.fleet import Fleet
from nornir_tasks.tasks import debug

DOC = Path(__file__).resolve().parents[1] / "docs/library.md"
_BLOCK = re.compile(r"^```(python|text)\n(.*?)^```", re.S | re.M)
# *Nov 18 11:08:20.270: — the lab clock's time of day differs from run to run
_STAMP = re.compile(r"\*?[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d(?:\.\d+)?")


def examples() -> list[tuple[str, list[str]]]:
    """Each python block of the page with the lines of the text block right after it."""
    text = DOC.read_text()
    found: list[tuple[str, list[str]]] = []
    for match in _BLOCK.finditer(text):
        kind, body = match.groups()
        if kind == "python":
            found.append((body, []))
        elif found and not found[-1][1]:
            found[-1][1].extend(ln for ln in body.splitlines() if ln.strip() != "...")
    return found


def shown_in(line: str, output: str) -> bool:
    """The page's ``line`` is a line of ``output``; ``...`` stands for any text."""
    parts = [re.escape(_STAMP.sub("<time>", p)) for p in line.split("...")]
    pattern = "^" + ".*".join(parts) + "$"
    return re.search(pattern, _STAMP.sub("<time>", output), re.M) is not None


EXAMPLES = examples()


def test_the_page_has_its_three_examples_each_with_output() -> None:
    assert len(EXAMPLES) == 3
    assert all(expected for _, expected in EXAMPLES)


@pytest.mark.parametrize(
    "code, expected", EXAMPLES, ids=["collect-diagnose", "guarded-debug", "parse"]
)
def test_example_runs_on_the_lab_and_prints_what_the_page_shows(
    code: str,
    expected: list[str],
    settled: tuple[Fleet, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fleet, inventory = settled
    (tmp_path / "inventory").mkdir()
    (tmp_path / "inventory/mine").symlink_to(inventory.parent)
    monkeypatch.chdir(tmp_path)
    # The debug window is 20 s: the lab's clock jumps instead of the script sleeping.
    monkeypatch.setattr(debug, "_waiter", lambda conn, wait, stop: fleet.advance)
    exec(compile(code, f"{DOC}:example", "exec"), {"__name__": "__main__"})
    output = capsys.readouterr().out
    missing = [line for line in expected if not shown_in(line, output)]
    assert not missing, f"docs/library.md shows lines the example did not print:\n{output}"


def api_table() -> dict[str, set[str]]:
    """The page's public API table: module -> names."""
    section = DOC.read_text().split("## The public API", 1)[1]
    rows = re.findall(r"^\| `(nornir_tasks[\w.]*)` \| (.+) \|$", section, re.M)
    return {module: set(re.findall(r"`(\w+)`", names)) for module, names in rows}


def test_every_documented_name_imports_and_each_module_exports_exactly_them() -> None:
    table = api_table()
    assert "nornir_tasks.tasks.collect" in table and len(table) >= 8
    for module_name, names in table.items():
        module = importlib.import_module(module_name)
        assert set(module.__all__) == names, module_name
        for name in names:
            assert getattr(module, name) is not None, f"{module_name}.{name}"
