"""Terminal artefacts are removed in one place, before any parser or rule reads the text."""

from __future__ import annotations

import pytest

from nornir_tasks.parsers import clean_device_text, parse
from tests.checks.support import GOLDEN

SPOKE = GOLDEN / "lab_iosxe_ipsec_sa_encaps_no_decaps_spoke" / "raw.txt"
ENCAPS = "    #pkts encaps: 4, #pkts encrypt: 4, #pkts digest: 4"


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        ("\x1b[1;31m" + ENCAPS + "\x1b[0m", ENCAPS),
        ("\x1b]0;R1: ssh\x07R1#show clock", "R1#show clock"),  # xterm title (OSC)
        (" --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + ENCAPS, ENCAPS),
        ("<--- More --->\r              \r" + ENCAPS, ENCAPS),  # ASA pager
        (" --More-- " + ENCAPS, ENCAPS),  # a log that lost the erase sequence
        ("#\bp\bpkts encaps: 4", "pkts encaps: 4"),  # overstrike, replayed
        ("b\bbo\bol\bld and _\bu_\bn", "bold and un"),  # bold and underline overstrike
        ("a\r\nb\r\n", "a\nb\n"),
        ("a\rb\rc", "a\nb\nc"),  # classic Mac line ends
        ("a\x00b\x07c\x7f", "abc"),  # NUL padding, BEL, DEL
        ("plain\ttext\n", "plain\ttext\n"),  # nothing to do: the same string back
    ],
)
def test_terminal_artefacts(noisy: str, clean: str) -> None:
    assert clean_device_text(noisy) == clean


def test_cleaning_keeps_line_numbers_and_is_idempotent() -> None:
    raw = SPOKE.read_text()
    noisy = raw.replace(ENCAPS, "\x1b[32m" + ENCAPS + "\x1b[0m").replace("\n", "\r\n")
    cleaned = clean_device_text(noisy)
    assert cleaned.count("\n") == raw.count("\n")
    assert clean_device_text(cleaned) == cleaned == raw


def test_a_coloured_counter_line_is_still_read() -> None:
    raw = SPOKE.read_text()
    coloured = raw.replace(ENCAPS, "\x1b[1;31m" + ENCAPS + "\x1b[0m")
    assert coloured != raw
    flows = parse("show crypto ipsec sa", coloured).flows
    assert flows[0].pkts_encaps == 4 and flows == parse("show crypto ipsec sa", raw).flows
