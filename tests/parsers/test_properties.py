"""Property tests: whatever text a parser is given, it returns a model or raises ParseError."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from nornir_tasks.parsers import ParseError, parse, registered_commands

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
# libyaml where PyYAML has it: the same data, 20x faster than the pure-Python loader
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _concrete(pattern: str) -> str:
    return pattern.replace(" ...", "").replace("*", "10.0.0.1")


COMMANDS = [_concrete(p) for p in registered_commands()]
SAMPLES = [
    (case / "raw.txt").read_text()
    for case in sorted(GOLDEN.iterdir())
    if (case / "raw.txt").exists() and (case / "provenance.yaml").exists()
]


def _parse_or_parse_error(command: str, text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(command, text)


@pytest.mark.parametrize("command", COMMANDS)
def test_empty_output_is_a_valid_answer(command: str) -> None:
    parse(command, "")


@pytest.mark.parametrize("command", COMMANDS)
@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="ascii"), max_size=400))
def test_random_text_only_raises_parse_error(command: str, text: str) -> None:
    _parse_or_parse_error(command, text)


@pytest.mark.parametrize("command", COMMANDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_shuffled_and_cut_real_output_only_raises_parse_error(
    command: str, data: st.DataObject
) -> None:
    if not SAMPLES:
        pytest.skip("no golden samples yet")
    text = data.draw(st.sampled_from(SAMPLES))
    lines = text.splitlines()
    seed = data.draw(st.integers(0, 2**32 - 1))
    random.Random(seed).shuffle(lines)
    cut = data.draw(st.integers(0, max(len(text), 1)))
    _parse_or_parse_error(command, "\n".join(lines))
    _parse_or_parse_error(command, text[:cut])


def test_provenance_files_name_a_command() -> None:
    for case in GOLDEN.iterdir():
        if (case / "provenance.yaml").exists():
            meta = yaml.load((case / "provenance.yaml").read_text(), Loader=_LOADER)
            assert meta.get("command"), case
