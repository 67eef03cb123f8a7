"""All crypto parsers against every capture: cut anywhere, shuffled, mixed; and the fast cleaner."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nornir_tasks.parsers import ParseError, parse, resolve
from nornir_tasks.parsers._feed import significant_lines
from nornir_tasks.parsers._text import clean_lines

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SAMPLES = {p.parent.name: p.read_text() for p in sorted(GOLDEN.glob("*/raw.txt"))}
COMMANDS = [
    "show crypto isakmp sa",
    "show crypto isakmp sa detail",
    "show crypto ikev1 sa",
    "show crypto ipsec sa",
    "show crypto ipsec sa detail",
    "show crypto session",
    "show crypto session detail",
    "show crypto map",
    "show crypto ikev2 sa",
    "show crypto ikev2 sa detail",
]
# One command per parser function: a command that resolves to the same function as another
# runs the same code on the same text (the cut test parses every cut of every capture, the
# longest test of ``make check``: the 10 commands are 5 parsers). A command that gets its own
# parser one day gets its own case here.
DISTINCT = list({resolve(command)[1]: command for command in reversed(COMMANDS)}.values())[::-1]


def _model_or_parse_error(command: str, text: str) -> object:
    try:
        return parse(command, text)
    except ParseError:
        return None


def cut_points(count: int, ends: int = 10, middle: int = 20) -> list[int]:
    """Where to cut a capture of ``count`` lines: after every line of a short one; for a long
    one after each of its first and last ``ends`` lines and at ``middle`` evenly spaced lines
    between (every parser of every capture at every cut was the slowest test of the suite,
    quadratic in the capture's length, and the golden set keeps growing)."""
    if count <= 2 * ends + middle:
        return list(range(1, count + 1))
    step = (count - 2 * ends) / (middle + 1)
    inner = {ends + round(step * (i + 1)) for i in range(middle)}
    return sorted({*range(1, ends + 1), *inner, *range(count - ends + 1, count + 1)})


def test_cut_points_cover_short_captures_and_both_ends_of_long_ones() -> None:
    assert cut_points(5) == [1, 2, 3, 4, 5]
    long = cut_points(300)
    assert long[:10] == list(range(1, 11)) and long[-10:] == list(range(291, 301))
    assert len(long) == 40 and all(11 <= n <= 290 for n in long[10:-10])


def _cuts() -> list[str]:
    """Every capture cut after a line and inside it, each text once (cutting inside a blank or
    one-character line, or after a capture's final newline, gives a text already there)."""
    cuts: dict[str, None] = {}
    for text in SAMPLES.values():
        lines = text.split("\n")
        for n in cut_points(len(lines)):
            head = "\n".join(lines[:n])
            cuts[head] = cuts[head[: len(head) - len(lines[n - 1]) // 2]] = None
    return list(cuts)


CUTS = _cuts()


@pytest.mark.slow  # ~6 s of CPU, a fifth of `make check`'s tests: `make test` runs it
@pytest.mark.parametrize("command", DISTINCT)
def test_every_line_cut_of_every_capture(command: str) -> None:
    """Cut after a line and inside it: a model (flagged if cut mid-record) or ParseError."""
    for cut in CUTS:
        _model_or_parse_error(command, cut)


@pytest.mark.parametrize("command", DISTINCT)
def test_shuffled_and_spliced_captures(command: str) -> None:
    rng = random.Random(1)
    texts = list(SAMPLES.values())
    for _ in range(200):
        lines = rng.choice(texts).split("\n") + rng.choice(texts).split("\n")
        rng.shuffle(lines)
        _model_or_parse_error(command, "\n".join(lines[: rng.randrange(1, len(lines) + 1)]))


def test_a_cut_record_is_never_reported_complete() -> None:
    """Dropping the last line of a multi-record crypto capture must not look complete."""
    cases = [
        ("show crypto ipsec sa", "genie_iosxe_ipsec_sa_cryptomap_and_tunnel"),
        ("show crypto ipsec sa", "ntc_asa_ipsec_sa_ra_and_l2l_natt"),
        ("show crypto ikev2 sa detail", "genie_iosxe_ikev2_sa_detail_flexvpn"),
        ("show crypto session detail", "genie_iosxe_crypto_session_detail_down_negotiating"),
        ("show crypto map", "genie_iosxe_crypto_map_ikev2_two_peers"),
    ]
    for command, name in cases:
        lines = [line for line in SAMPLES[name].split("\n") if line.strip()]
        # Remove whole lines from the end until the last record loses a line it needs.
        cut = "\n".join(lines[:-1])
        if name.endswith("flexvpn"):
            cut = SAMPLES[name].split("      Initiator of SA")[0]
        if name.endswith("two_peers"):
            cut = SAMPLES[name].split("\tInterfaces using")[0]
        assert parse(command, cut).complete is False, name


def test_very_long_digit_runs_raise_parse_error_not_value_error() -> None:
    text = "interface: Tunnel1\n    #pkts encaps: " + "9" * 5000 + "\n"
    parse("show crypto ipsec sa", text)  # the over-long line is ignored, not converted
    with pytest.raises(ParseError):
        parse("show crypto ipsec sa", "9" * 5000)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            [
                "R1#show crypto ipsec sa",
                "R1#",
                "  #pkts encaps: 1",
                "interface: Tu0",
                "",
                "  ",
                "a#b",
                "x>y",
                "--More--",
                " --More-- ",
                "\r",
                "\x08",
                "R1(config)#",
                "\t",
            ]
        )
        | st.text(alphabet="ab #>\r\n-M", max_size=12),
        max_size=30,
    ).map("\n".join)
)
def test_fast_cleaner_returns_exactly_what_clean_lines_returns(text: str) -> None:
    assert significant_lines(text) == [s for s in map(str.strip, clean_lines(text)) if s]


def test_fast_cleaner_on_every_capture() -> None:
    for text in SAMPLES.values():
        assert significant_lines(text) == [s for s in map(str.strip, clean_lines(text)) if s]
