"""``vpndiag diagnose``: what engineers paste (prompts or not, mixed, interleaved), saved
evidence folders, JSON and table output, exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from nornir_tasks.checks import diagnose
from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.findings_view import print_findings
from nornir_tasks.cli.main import main
from nornir_tasks.diagnose import LOG_COMMAND, Capture, fleet_from_captures, split_capture
from tests.checks.support import CAPTURES, GOLDEN, cli_json, ipsec_flow, isakmp_table

FLOW = ipsec_flow(
    "203.0.113.10", "203.0.113.1", "192.168.1.0/255.255.255.0", "192.168.0.0/255.255.255.0", 4, 0
)


def commands(text: str, host: str = "file") -> list[tuple[str, str]]:
    return [(b.host, b.command) for b in split_capture(text, host)]


def test_prompted_blocks_abbreviated_commands_and_other_commands() -> None:
    text = (
        "R1#sh cry isa sa\n" + isakmp_table(("10.0.0.2", "10.0.0.1", "QM_IDLE", 1001, "ACTIVE"))
        + "R1#conf t\nEnter configuration commands, one per line.  End with CNTL/Z.\n"
        + "R1(config)#end\nR2# show crypto ipsec sa\n" + FLOW
    )  # fmt: skip
    assert commands(text) == [("R1", "sh cry isa sa"), ("R2", "show crypto ipsec sa")]


def test_outputs_without_prompts_are_recognised_by_their_headers() -> None:
    session = (
        "Crypto session current status\n\nInterface: GigabitEthernet1\nSession status: UP-ACTIVE\n"
        "Peer: 203.0.113.1 port 500\n  IPSEC FLOW: permit ip 192.168.1.0/255.255.255.0 192.168.0.0/255.255.255.0\n"
        "        Active SAs: 2, origin: crypto map\n"
    )
    cmap = 'Crypto Map IPv4 "VPN" 10 ipsec-isakmp\n\tPeer = 203.0.113.1\n\tInterfaces using crypto map VPN:\n\t\tGi1\n'
    text = (
        isakmp_table(("203.0.113.1", "203.0.113.10", "QM_IDLE", 1001, "ACTIVE"))
        + FLOW
        + session
        + cmap
    )
    assert [c for _, c in commands(text)] == [
        "show crypto isakmp sa",
        "show crypto ipsec sa",
        "show crypto session detail",
        "show crypto map",
    ]


def test_log_lines_interleaved_in_show_output_are_split_out() -> None:
    noisy = FLOW.replace(
        "     PFS (Y/N)",
        "*Oct 24 04:31:10.058: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for "
        "destaddr=203.0.113.10, prot=50, spi=0x3EA71AED(1051138797), srcaddr=203.0.113.1, input interface=Gi1\n"
        "     PFS (Y/N)",
    )
    blocks = split_capture("spoke1#show crypto ipsec sa\n" + noisy, "x")
    assert [(b.command, "RECVD_PKT_INV_SPI" in b.text) for b in blocks] == [
        ("show crypto ipsec sa", False),
        (LOG_COMMAND, True),
    ]


def test_bare_debug_and_syslog_text_is_a_log_block() -> None:
    text = (GOLDEN / "debug_ios_pfs_mismatch_paranoid_keepalives" / "raw.txt").read_text()
    assert commands(text) == [("file", LOG_COMMAND)]


def test_the_host_comes_from_the_prompt_else_the_hostname_else_the_file() -> None:
    (fleet, _) = fleet_from_captures([
        Capture("ticket-1234", "hostname BR12\ninterface Gi1\n ip address 203.0.113.50 255.255.255.252\nend\n"),
        Capture("ticket-1235", FLOW),
        Capture("ticket-1236", "HQ#show crypto ipsec sa\n" + FLOW),
    ])  # fmt: skip
    assert sorted(h.host for h in fleet.hosts) == ["BR12", "HQ", "ticket-1235"]


def test_a_table_pasted_twice_is_one_reading_and_two_times_are_two_polls() -> None:
    first = ipsec_flow(
        "203.0.113.10",
        "203.0.113.1",
        "192.168.1.0/255.255.255.0",
        "192.168.0.0/255.255.255.0",
        4,
        0,
    )
    table = isakmp_table(("203.0.113.1", "203.0.113.10", "MM_NO_STATE", 0, "ACTIVE"))
    # the same table twice proves no time passed: one snapshot, "poll again to confirm"
    (fleet, _) = fleet_from_captures([Capture("spoke1", table + "\n" + first + "\n" + table)])
    (host,) = fleet.hosts
    assert host.previous is None and host.repeated["show crypto isakmp sa"].distinct == 1
    assert diagnose(fleet, ("IKE_P1_NO_RESPONSE",))[0].severity.value == "warning"
    # under exec timestamps of two times it is two polls: the SA is stuck
    stamped = "".join(
        f"Time source is NTP, 10:2{n}:03.101 UTC Thu Dec 3 2026\n{table}" for n in (1, 2)
    )
    (fleet, _) = fleet_from_captures([Capture("spoke1", stamped + first)])
    (host,) = fleet.hosts
    assert host.previous is not None and "show crypto isakmp sa" in host.previous
    assert not host.unparsed  # each time stamp went with the output after it
    assert diagnose(fleet, ("IKE_P1_NO_RESPONSE",))[0].severity.value == "critical"


def save_evidence(root: Path, scenario: str = "default") -> None:
    """Write lab captures in the --save-evidence layout: DIR/<host>/<command with _>.txt."""
    for capture in sorted((CAPTURES / scenario).glob("*.txt")):
        folder = root / capture.stem
        folder.mkdir(parents=True)
        for block in split_capture(capture.read_text(), capture.stem):
            name = block.command.replace(" ", "_") + ".txt"
            with (folder / name).open("a") as out:  # a second poll goes after the first
                out.write(
                    f"{capture.stem}#{block.command}\n{block.text}\n"
                    if "show_crypto_ipsec" in name
                    else block.text + "\n"
                )


def test_saved_evidence_folder_gives_the_same_diagnosis(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    save_evidence(tmp_path)
    assert (tmp_path / "HQ" / "show_crypto_isakmp_sa.txt").exists()
    _, from_folder = cli_json(capsys, str(tmp_path))
    _, from_pastes = cli_json(capsys, str(CAPTURES / "default"))
    assert {(f["code"], f["host"], f["peer"]) for f in from_folder} == {
        (f["code"], f["host"], f["peer"]) for f in from_pastes
    }


def test_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    rc, findings = cli_json(
        capsys, str(GOLDEN / "lab_iosxe_ipsec_sa_encaps_no_decaps_spoke" / "raw.txt")
    )
    assert rc == exit_codes.FINDINGS
    (f,) = findings
    assert set(f) >= {
        "code",
        "severity",
        "host",
        "peer",
        "summary",
        "cause",
        "evidence",
        "next_steps",
        "step",
    }
    assert (f["code"], f["host"], f["peer"], f["step"]) == (
        "IPSEC_NO_RETURN_TRAFFIC",
        "spoke1",
        "203.0.113.1",
        "data_transfer",
    )
    assert "#pkts decaps: 0, #pkts decrypt: 0, #pkts verify: 0" in f["evidence"]


def test_exit_codes_and_fail_on(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    warning_only = GOLDEN / "genie_iosxe_track_route_reachability_down" / "raw.txt"
    assert main(["diagnose", str(warning_only)]) == exit_codes.OK
    assert main(["diagnose", str(warning_only), "--fail-on", "warning"]) == exit_codes.FINDINGS
    healthy = GOLDEN / "genie_iosxe_isakmp_sa_v4v6" / "raw.txt"
    assert main(["diagnose", str(healthy), "--fail-on", "info"]) == exit_codes.OK
    garbage = tmp_path / "notes.txt"
    garbage.write_text("the tunnel is down since this morning, please check\n")
    assert main(["diagnose", str(garbage)]) == exit_codes.USAGE
    assert main(["diagnose", str(tmp_path / "missing.txt")]) == exit_codes.USAGE
    assert "no recognisable device output" in capsys.readouterr().err


def test_table_output_puts_the_verdict_first(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["diagnose", str(GOLDEN / "debug_iosxe_no_preshared_key_for_peer" / "raw.txt")])
    out = capsys.readouterr().out
    assert rc == exit_codes.FINDINGS
    assert out.index("IKE_P1_PSK_MISSING") < out.index("No pre-shared key with 203.0.113.1!")
    assert "crypto isakmp key <key> address 203.0.113.1" in out


def test_renderer_prints_into_any_console() -> None:
    (fleet, _) = fleet_from_captures([Capture("spoke1", FLOW)])
    buffer = io.StringIO()
    print_findings(Console(file=buffer, width=200), diagnose(fleet))
    text = buffer.getvalue()
    assert "IPSEC_NO_RETURN_TRAFFIC" in text and "spoke1 -> 203.0.113.1" in text
    empty = io.StringIO()
    print_findings(Console(file=empty, width=200), [])
    assert "no findings" in empty.getvalue()


def test_reads_what_the_live_evidence_saver_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``nornir_tasks.saved_evidence.save_evidence`` (the live side) -> ``vpndiag diagnose DIR``."""
    from nornir_tasks.models.collection import (
        CommandOutput,
        HostCollection,
        HostStatus,
        OutputStatus,
    )
    from nornir_tasks.saved_evidence import save_evidence

    collections = []
    for capture in sorted((CAPTURES / "default").glob("*.txt")):
        blocks = split_capture(capture.read_text(), capture.stem)
        outputs = tuple(CommandOutput(b.command, b.text, OutputStatus.OK) for b in blocks)
        collections.append(HostCollection(capture.stem, HostStatus.OK, outputs))
    save_evidence(collections, tmp_path)
    _, saved = cli_json(capsys, str(tmp_path))
    critical = {(f["code"], f["host"]) for f in saved if f["severity"] == "critical"}
    assert {
        ("IKE_P1_RETURN_PATH", "HQ"),
        ("IPSEC_NOT_ENCRYPTING", "HQ"),
        ("CRYPTO_MAP_NOT_APPLIED", "BR11"),
    } <= critical
    assert "OUTPUT_REPEATED" not in {f["code"] for f in saved}


def test_two_identical_polls_in_saved_evidence_stay_two_polls(tmp_path: Path) -> None:
    """A live run polls a stuck SA twice and gets the same text: saved evidence marks each
    poll, so re-diagnosis reads two readings in time (stuck), not one output pasted twice."""
    from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus
    from nornir_tasks.saved_evidence import save_evidence

    table = isakmp_table(("203.0.113.1", "203.0.113.10", "MM_NO_STATE", 0, "ACTIVE"))
    polls = (CommandOutput("show crypto isakmp sa", table),) * 2
    save_evidence([HostCollection("spoke1", HostStatus.OK, polls)], tmp_path)
    saved = (tmp_path / "spoke1" / "show_crypto_isakmp_sa.txt").read_text()
    assert saved.count("! vpndiag: poll ") == 2
    (fleet, problems) = fleet_from_captures([Capture("spoke1", saved, host_known=True)])
    (host,) = fleet.hosts
    assert not problems and not host.unparsed
    assert host.previous is not None
    assert diagnose(fleet, ("IKE_P1_NO_RESPONSE",))[0].severity.value == "critical"


# -- terminal artefacts (issue 17 item 6) ----------------------------------------------------

SPOKE = GOLDEN / "lab_iosxe_ipsec_sa_encaps_no_decaps_spoke" / "raw.txt"
ENCAPS = "#pkts encaps: 4, #pkts encrypt: 4, #pkts digest: 4"


@pytest.mark.parametrize(
    "noise",
    [
        lambda line: "\x1b[1;31m" + line + "\x1b[0m",  # one coloured line
        lambda line: " --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b" + line,
        lambda line: "<--- More --->\r              \r" + line,
    ],
    ids=["ansi", "more-backspaces", "asa-more"],
)
def test_terminal_artefacts_keep_the_finding_and_its_evidence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, noise: object
) -> None:
    raw = SPOKE.read_text()
    line = next(s for s in raw.splitlines() if ENCAPS in s)
    assert callable(noise)
    (tmp_path / "spoke1.txt").write_text(raw.replace(line, noise(line)))
    (tmp_path / "clean.txt").write_text(raw)
    rc, noisy = cli_json(capsys, str(tmp_path / "spoke1.txt"))
    _, clean = cli_json(capsys, str(tmp_path / "clean.txt"))
    assert rc == exit_codes.FINDINGS
    assert [f["code"] for f in noisy] == [f["code"] for f in clean] == ["IPSEC_NO_RETURN_TRAFFIC"]
    assert noisy[0]["severity"] == "critical"
    assert ENCAPS in noisy[0]["evidence"] and noisy[0]["evidence"] == clean[0]["evidence"]


def test_an_output_only_partly_understood_is_said_so_and_still_diagnosed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    raw = SPOKE.read_text().replace("interface: ", "    Widget frobnication: high\ninterface: ", 1)
    (tmp_path / "spoke1.txt").write_text(raw)
    rc, found = cli_json(capsys, str(tmp_path / "spoke1.txt"))
    assert rc == exit_codes.FINDINGS
    by_code = {f["code"]: f for f in found}
    assert by_code["IPSEC_NO_RETURN_TRAFFIC"]["severity"] == "critical"
    partly = by_code["OUTPUT_PARTLY_UNDERSTOOD"]
    assert partly["severity"] == "info"
    assert partly["evidence"] == ["line 2: Widget frobnication: high"]
    assert "show crypto ipsec sa" in partly["summary"]


def test_text_before_the_first_prompt_belongs_to_the_only_router_the_paste_shows() -> None:
    # A debug pasted above the engineer's "XE-R4#undebug all" is XE-R4's: one host, one finding.
    raw = GOLDEN / "repo_iosxe_debug_ikev2_sa_init_no_response" / "raw.txt"
    (fleet, _) = fleet_from_captures([Capture("raw", raw.read_text())])
    assert [h.host for h in fleet.hosts] == ["XE-R4"]


def test_text_before_the_first_prompt_stays_unowned_when_the_paste_shows_two_routers() -> None:
    text = "*Mar  1 00:00:01.123: %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet\n"
    text += "R1#show crypto isakmp sa\nIPv4 Crypto ISAKMP SA\n"
    text += "R2#show crypto isakmp sa\nIPv4 Crypto ISAKMP SA\n"
    assert sorted({host for host, _ in commands(text, "ticket")}) == ["R1", "R2", "ticket"]
