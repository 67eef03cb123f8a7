"""Tolerant parsers: unknown lines are reported, never fatal, and never cost a parsed value."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nornir_tasks.models import to_jsonable
from nornir_tasks.models.ipsec import IpsecSaTable
from nornir_tasks.parsers import ParseError, parse, parse_result

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
# libyaml where PyYAML has it: the same data, 20x faster than the pure-Python loader
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists())
ASA_IPSEC = GOLDEN / "ntc_asa_ipsec_sa_ra_and_l2l_natt" / "raw.txt"


def test_asa_ipsec_sa_peer_output_starting_with_peer_address_parses() -> None:
    raw = ASA_IPSEC.read_text().splitlines()
    assert raw[0].startswith("interface: ")
    peer_form = "\n".join(["peer address: 172.20.0.21", *raw[1:]])
    result = parse_result("show crypto ipsec sa peer 172.20.0.21", peer_form)
    table = result.value
    assert isinstance(table, IpsecSaTable) and table.complete and result.understood
    assert [f.current_peer for f in table.flows] == [
        f.current_peer for f in parse("show crypto ipsec sa", ASA_IPSEC.read_text()).flows
    ]


def test_an_unknown_line_is_reported_with_its_number_and_the_rest_parsed() -> None:
    lines = ASA_IPSEC.read_text().splitlines()
    lines.insert(5, "      #pkts teleported: 12")
    lines.insert(0, "Widget frobnication level: high")
    result = parse_result("show crypto ipsec sa", "\n".join(lines))
    assert result.unparsed == ((1, "Widget frobnication level: high"),)
    assert result.unparsed_count == 1 and not result.complete
    # "#pkts teleported" is a counter line: kept under other_counters, not lost
    assert result.value.flows[0].other_counters == {"pkts_teleported": 12}


def test_strict_refuses_the_first_unknown_line() -> None:
    text = "peer adress typo\n" + ASA_IPSEC.read_text()
    assert parse_result("show crypto ipsec sa", text).unparsed_count == 1
    with pytest.raises(ParseError, match="peer adress typo"):
        parse("show crypto ipsec sa", text, strict=True)
    parse("show crypto ipsec sa", ASA_IPSEC.read_text(), strict=True)


def test_text_with_no_line_of_the_command_is_still_refused() -> None:
    with pytest.raises(ParseError, match="no line of this command"):
        parse("show crypto ipsec sa", "hello\nworld\n")
    with pytest.raises(ParseError, match="rejected"):
        parse("show crypto ipsec sa", "% Invalid input detected at '^' marker.")


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path without list indexes, value) of every leaf; ``complete`` flags left out."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "complete":
                yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, f"{path}[]")
    else:
        yield path, value


# Lines no parser knows: made-up field names, values and the real ASA "peer address:" line.
# The values' letters cannot spell a word a device's lines mean something by: with the whole
# alphabet hypothesis once drew "verify auth failed", which a debug reader rightly takes for
# an authentication failure (a new meaning, not a lost value).
_UNKNOWN = st.one_of(
    st.just("peer address: 10.9.9.9"),
    st.builds(
        "{}: {}".format,
        st.sampled_from(["Widget frobnication", "Quantum SA hint", "zzz new counter"]),
        st.text(alphabet="jqxzw0123456789 ./", max_size=30),
    ),
)


@functools.cache
def _as_captured(
    case: Path,
) -> tuple[str, str, Counter[tuple[str, Any]], st.SearchStrategy[int]]:
    """Command, text, parsed leaves and insertion points of a golden case: read, parsed and
    built once, not once per example (parsing the same capture and its provenance again, and
    validating a new strategy, were most of this test's CPU)."""
    meta = yaml.load((case / "provenance.yaml").read_text(), Loader=_LOADER)
    command, raw = str(meta.get("parse_as") or meta["command"]), (case / "raw.txt").read_text()
    before = Counter(_leaves(to_jsonable(parse(command, raw))))
    # The tail of a line the capture itself shows wrapped is not where a device prints a line.
    tails = frozenset(meta.get("wrapped_tails", []))
    positions = st.integers(0, len(raw.splitlines())).filter(lambda i: i + 1 not in tails)
    return command, raw, before, positions


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_inserting_an_unknown_line_never_loses_a_parsed_value(
    case: Path, data: st.DataObject
) -> None:
    command, raw, before, positions = _as_captured(case)
    lines = raw.splitlines()
    at = data.draw(positions, label="position")
    # indented like the line it goes before, as a new release would print a sibling line
    neighbour = lines[at] if at < len(lines) else (lines[-1] if lines else "")
    indent = neighbour[: len(neighbour) - len(neighbour.lstrip())]
    lines.insert(at, indent + data.draw(_UNKNOWN, label="line"))
    after = Counter(_leaves(to_jsonable(parse(command, "\n".join(lines)))))
    lost = before - after
    assert not lost, f"values lost: {dict(lost)}"
