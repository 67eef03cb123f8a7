"""Lines a terminal or a page wrapped are joined back when that reads them (``parsers._wrapped``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from nornir_tasks.models import to_jsonable
from nornir_tasks.parsers import ParseError, parse_result

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
ENCR = (
    "      Encr: AES-CBC, keysize: 256, PRF: SHA1, Hash: SHA96, DH Grp:2,"
    " Auth sign: RSA, Auth verify: RSA"
)


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, f"{path}[]")
    elif value is not None:
        yield path, value


def _values(command: str, text: str) -> Counter[tuple[str, Any]]:
    return Counter(_leaves(to_jsonable(parse_result(command, text).value)))


def _ikev2(encr_line: str) -> str:
    return "\n".join(
        [
            "Tunnel-id Local                 Remote                fvrf/ivrf            Status",
            "1         20.10.20.2/500        20.20.10.2/500        none/none            READY",
            encr_line,
            "      Life/Active Time: 86400/192 sec",
        ]
    )


def test_a_line_broken_inside_a_word_is_read_whole() -> None:
    broken = ENCR[:87] + "\n" + ENCR[87:]  # "... Auth sign: RSA, Au" / "th verify: RSA"
    result = parse_result("show crypto ikev2 sa", _ikev2(broken))
    assert result.understood
    assert (result.value.sas[0].auth_sign, result.value.sas[0].auth_verify) == ("RSA", "RSA")


def test_a_value_cut_short_grows_back() -> None:
    line = (
        "        conn id: 130, flow_id: 130, sibling_flags 80000000, crypto map: Tunnel102-head-0"
    )
    text = "\n".join(
        ["interface: Tunnel102", "   inbound esp sas:", "    spi: 0x1(1)", line[:80], line[80:]]
    )
    sa = parse_result("show crypto ipsec sa", text).value.flows[0].sas[0]
    assert sa.crypto_map == "Tunnel102-head-0"


def test_a_line_of_its_own_after_a_long_line_is_reported_not_glued() -> None:
    text = _ikev2(ENCR + "\nQuantum frobnication: high")
    result = parse_result("show crypto ikev2 sa", text)
    assert result.unparsed == ((4, "Quantum frobnication: high"),)
    assert result.value.sas[0].auth_verify == "RSA"


def test_strict_parsing_joins_nothing() -> None:
    broken = ENCR[:87] + "\n" + ENCR[87:]
    with pytest.raises(ParseError, match="th verify: RSA"):
        parse_result("show crypto ikev2 sa", _ikev2(broken), strict=True)


def test_golden_crypto_captures_wrapped_at_80_columns_keep_their_values() -> None:
    """Break every line longer than 80 columns of every golden ``show crypto`` output, one at a
    time: the parse keeps every value for at least 97 % of them (155 of 157 when this was
    written, 430 of 452 over all show outputs; 141 and 416 before rows whose first half reads
    as a row of their own were joined back; without the second reading, 258 of 381)."""
    kept = total = 0
    for case in sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists()):
        meta = yaml.safe_load((case / "provenance.yaml").read_text())
        command = str(meta.get("parse_as") or meta["command"])
        if not command.startswith("show crypto"):
            continue
        raw = (case / "raw.txt").read_text().splitlines()
        before = _values(command, "\n".join(raw))
        for i, line in enumerate(raw):
            if len(line) > 80:
                total += 1
                wrapped = [*raw[:i], line[:80], line[80:], *raw[i + 1 :]]
                kept += not before - _values(command, "\n".join(wrapped))
    assert total > 100 and kept / total >= 0.97, f"{kept}/{total}"


ROW_HALVES = [
    # (case, command, the long row's start): the first 80 columns read as a row of their own
    ("vyos_ios_ikev2_sa_rst_indented", "show crypto ikev2 sa", " 1         10.0.2.2/4500"),
    ("genie_asa_ikev2_sa_two_child_sas", "show crypto ikev2 sa", "  3686011 2001:db8:2:1::1"),
    ("genie_iosxe_isakmp_sa_detail", "show crypto isakmp sa detail", "29610 100.0.10::2"),
    ("clarkson_ios_ikev2_sa_no_prf_15_2", "show crypto ikev2 sa", "      Encr: AES-CBC"),
]


@pytest.mark.parametrize("case, command, start", ROW_HALVES, ids=[c for c, _, _ in ROW_HALVES])
def test_a_row_whose_first_80_columns_read_as_a_row_is_read_whole(
    case: str, command: str, start: str
) -> None:
    """IKEv2 rows (``... none/none  READ`` | ``Y``; an ASA IPv6 row cut in its port,
    ``2001:db8:2:1::2/50`` | ``0  READY  INITIATOR``), an IKEv1 detail row cut in its lifetime
    (``16 00`` | ``:01:47 D``), an Encr line cut at a blank before ``Auth verify: PSK``: the
    first part alone is read (status UNKNOWN, port 50, lifetime 00), the continuation cannot
    be; joined, every value of the unbroken capture comes back."""
    raw = (GOLDEN / case / "raw.txt").read_text().splitlines()
    (i,) = [n for n, line in enumerate(raw) if line.startswith(start) and len(line) > 80]
    wrapped = [*raw[:i], raw[i][:80], raw[i][80:], *raw[i + 1 :]]
    assert parse_result(command, "\n".join(wrapped)).understood
    assert _values(command, "\n".join(wrapped)) == _values(command, "\n".join(raw))
