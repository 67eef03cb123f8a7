"""What the fast paths of the line scanners rely on, checked on every line of the golden set.

- ``_kinds.FirstMatch`` picks, in one regex call, the kind the scanner's ordered loop picked;
- ``feed_lines``' contract: a text none of whose lines a scanner reads alone is not read as a
  whole either, and builds the empty text's model (``_wrapped.reread`` then tries a joined line
  alone instead of re-reading the whole text).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import crypto_map, crypto_session, ikev2, isakmp, parse_result
from nornir_tasks.parsers._unparsed import collecting
from nornir_tasks.parsers.registry import registered_commands, resolve

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
LINES = sorted(
    {
        s
        for p in GOLDEN.glob("*/raw.txt")
        for line in p.read_text().split("\n")
        if (s := line.strip())
    }
)


def _scanners() -> dict[str, Any]:
    """One command per parser that reads through ``feed_lines``."""
    out: dict[Any, str] = {}
    for pattern in registered_commands():
        command = pattern.replace(" ...", "").replace("*", "10.0.0.1")
        fn = resolve(command)[1]
        with collecting() as skipped:
            fn("x")
        if skipped.scans == 1:
            out.setdefault(fn, command)
    return {command: fn for fn, command in out.items()}


SCANNERS = _scanners()


@pytest.mark.parametrize("module", [isakmp, crypto_map, crypto_session, ikev2])
def test_first_match_picks_the_kind_the_ordered_loop_picks(module: Any) -> None:
    first = module._FIRST
    for line in LINES:
        loop = next((i for i, (p, _) in enumerate(first.kinds) if p.match(line)), None)
        found = first(line)
        patterns = [p for p, _ in first.kinds]
        picked = None if found is None else patterns.index(found[0].re)
        assert picked == loop, line
        if found is not None:
            assert found[1] is first.kinds[picked][1]


def test_first_match_refuses_what_an_alternation_would_change() -> None:
    from nornir_tasks.parsers._kinds import FirstMatch

    with pytest.raises(ValueError, match="back-reference"):
        FirstMatch([(re.compile(r"(a)\1"), None)])
    same_names = FirstMatch([(re.compile(r"(?P<x>a)b"), 1), (re.compile(r"(?P<x>a)c"), 2)])
    assert same_names("ac") is not None and same_names("ac")[1] == 2  # type: ignore[index]
    assert FirstMatch([(re.compile("AB", re.I), 1)])("ab") is not None


def test_the_line_scanners_are_found() -> None:
    crypto = ["show crypto isakmp sa", "show crypto ipsec sa", "show crypto map"]
    assert {resolve(command)[1] for command in crypto} <= set(SCANNERS.values())
    assert len(SCANNERS) >= 8


@pytest.mark.parametrize("command", sorted(SCANNERS))
def test_lines_not_read_alone_are_not_read_together(command: str) -> None:
    fn = SCANNERS[command]
    refused = []
    for line in random.Random(command).sample(LINES, 1500):  # a third: 0.1 s a scanner
        with collecting() as skipped:
            try:
                fn(line)
            except ValueError:  # a CLI error reply
                continue
        if skipped.read == skipped.count == 1:
            refused.append(line)
    assert refused
    empty = to_jsonable(fn(""))
    for seed in (1, 2):
        random.Random(seed).shuffle(refused)
        with collecting() as skipped:
            model = fn("\n".join(refused))
        assert skipped.count == skipped.read == len(refused)
        assert to_jsonable(model) == empty


def test_a_dmvpn_row_a_terminal_broke_in_two_unreadable_halves_is_read_joined() -> None:
    # code_iosxe_dmvpn_detail_spoke_one_nhs_socket_open, its static peer row; neither half is
    # a row, so the first reading reads no line and the join is found by trying it alone.
    row = "    1 10.13.1.1         192.168.124.1    UP 02:03:49     S   192.168.124.1/32"
    whole = parse_result("show dmvpn detail", row)
    broken = parse_result("show dmvpn detail", f"{row[:62]}\n{row[62:]}")
    assert whole.understood and broken.understood
    assert to_jsonable(broken.value) == to_jsonable(whole.value)
    assert broken.value.interfaces[0].peers[0].target == "192.168.124.1/32"
