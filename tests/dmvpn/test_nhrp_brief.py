"""``show ip nhrp brief``: both layouts read into the ``show ip nhrp`` model, checked against
``show ip nhrp`` of the same router (a real capture, and the dmvpn lab on its clock), and
recognised in a bare paste."""

from __future__ import annotations

from pathlib import Path

from lab.dmvpnshow import show_ip_nhrp, show_ip_nhrp_brief
from lab.fleet import Fleet
from lab.scenario import load_scenario
from nornir_tasks.diagnose import split_capture
from nornir_tasks.models.dmvpn import NhrpCache
from nornir_tasks.parsers import parse, parse_result

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
# Vietnamese DMVPN lab notes (code index file 51902306071, as
# vn_ios_ip_nhrp_brief_old_layout_hub_tunnel123): R1's `show ip nhrp` just before its brief form.
R1_FULL = """R1#show ip nhrp
10.0.123.2/32 via 10.0.123.2
   Tunnel123 created 00:08:27, expire 01:51:32
   Type: dynamic, Flags: unique registered used nhop
   NBMA address: 200.0.123.2
10.0.123.3/32 via 10.0.123.3
   Tunnel123 created 00:06:16, expire 01:53:43
   Type: dynamic, Flags: unique registered used nhop
   NBMA address: 200.0.123.3
"""


def _same(cache: NhrpCache) -> list[tuple[str, str, str | None, str | None]]:
    return sorted((e.target, e.via, e.nbma, e.entry_type) for e in cache.entries)


def test_the_one_line_layout_says_what_show_ip_nhrp_says() -> None:
    brief = (GOLDEN / "vn_ios_ip_nhrp_brief_old_layout_hub_tunnel123" / "raw.txt").read_text()
    assert _same(parse("show ip nhrp brief", brief)) == _same(parse("show ip nhrp", R1_FULL))


def test_an_entry_without_its_target_line_leaves_the_cache_incomplete() -> None:
    raw = (GOLDEN / "md_ios_ip_nhrp_brief_hub_two_spokes_legend" / "raw.txt").read_text()
    cut = raw.rstrip().rsplit("\n", 1)[0]  # the last entry's "192.168.100.3/32  D/r" is gone
    result = parse_result("show ip nhrp brief", cut)
    assert result.understood and not result.value.complete
    assert result.value.entries[-1].via == "192.168.100.3"


def test_a_bare_paste_is_recognised_by_its_note_or_its_header() -> None:
    for case in ("iosv_ip_nhrp_brief_hub_three_spokes_trailing_prompt",
                 "otus_ios_ip_nhrp_brief_old_layout_truncated_interface"):  # fmt: skip
        raw = (GOLDEN / case / "raw.txt").read_text()
        bare = "\n".join(line for line in raw.splitlines() if "#" not in line)
        (block,) = split_capture(bare, "hub")
        assert block.command == "show ip nhrp brief"
        assert parse_result(block.command, block.text).understood


def test_the_lab_prints_the_brief_form_of_its_cache() -> None:
    fleet = Fleet(load_scenario("dmvpn"))
    try:
        for subsystem in fleet.subsystems:
            subsystem.start()  # the engines on the lab clock; no SSH listener
        fleet.clock.advance(30)
        for name in ("DH1", "D01"):
            device = fleet.device(name)
            brief = parse_result("show ip nhrp brief", show_ip_nhrp_brief(device))
            full = parse("show ip nhrp", show_ip_nhrp(device))
            assert brief.understood and brief.value.entries
            assert _same(brief.value) == _same(
                NhrpCache(tuple(e for e in full.entries if e.nbma), True)
            )
    finally:
        fleet.stop()
