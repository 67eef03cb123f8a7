"""IKEv2 static VTIs diagnosed live: ``tunnel_triage`` (conditional ``debug crypto ikev2`` on
both ends) and ``health_check`` against the ``flexvpn`` scenario over SSH."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from lab.faults import Fault, FaultKind
from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.scenario import load_scenario
from nornir_tasks.checks import registered_codes
from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.main import main
from nornir_tasks.models.findings import Severity, Source
from nornir_tasks.models.tunnel_status import TunnelKind, TunnelStatus
from nornir_tasks.playbooks.loader import load_playbook
from nornir_tasks.playbooks.runner import PlaybookRun, RunOptions, run_playbook
from nornir_tasks.tasks.hosts import open_inventory
from tests.history.lab_runs import record, report_json, tunnels
from tests.lab.labcli import cli

pytestmark = pytest.mark.lab

HUB = "198.51.100.66"


def wan(n: int) -> str:
    later = {14: "203.0.113.126", 15: "203.0.113.150"}  # G01 holds .122, the ASA/DMVPN sites .130+
    return later.get(n, f"203.0.113.{64 + 4 * n + 2}")


@pytest.fixture(scope="module")
def flex(host_key: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Fleet, Path]]:
    fleet = Fleet(load_scenario("flexvpn"))
    fleet.start(key_path=host_key)
    try:
        fleet.advance(30)
        yield fleet, write_inventory(fleet, tmp_path_factory.mktemp("inv"))
    finally:
        fleet.stop()


def run(flex: tuple[Fleet, Path], name: str, hosts: list[str], **options: object) -> PlaybookRun:
    fleet, config = flex
    playbook = load_playbook(name, registered_codes())
    playbook = playbook.model_copy(
        update={"hosts": playbook.hosts.model_copy(update={"names": hosts})}
    )
    nr = open_inventory(config)
    try:
        opts = {"sleep": fleet.advance, "clock": fleet.clock.now, "poll_interval": 0, **options}
        return run_playbook(nr, playbook, RunOptions(**opts))  # type: ignore[arg-type]
    finally:
        nr.close_connections()


# A spoke nobody answers resends IKE_SA_INIT 1, 3, 7, 15 and 31 s after its first try, gives
# up at 63 s and starts again: a debug window shorter than the 32 s gap may see no request.
# The window passes on the lab clock, so a long one costs no wall time.
DEBUG_LAB_S = 40


def triage(flex: tuple[Fleet, Path], spoke: int, debug: bool = False) -> PlaybookRun:
    """``vpndiag triage Vnn`` (``--debug``: debug even when the state names the cause)."""
    name = f"V{spoke:02d}"
    focus = frozenset({HUB, wan(spoke)})
    return run(
        flex,
        "tunnel_triage",
        [name, "HUB2"],
        focus=focus,
        debug_seconds=DEBUG_LAB_S,
        debug_always=debug,
    )


SPOKES = [f"V{n:02d}" for n in range(1, 16)]
GRE_SPOKE, GRE_WAN = "G01", "203.0.113.122"  # healthy GRE over IPsec (tunnel mode gre ip)
# (spoke, code, where health names it without debug, the peer it names there, a quoted line)
HEALTH = [
    (2, "IKEV2_PROPOSAL_MISMATCH", "V02", HUB, "NO_PROPOSAL_CHOSEN 0 "),
    (3, "IKEV2_AUTH_FAILED", "V03", HUB, "AUTHENTICATION_FAILED 0 "),
    (4, "IKEV2_NO_RESPONSE", "V04", HUB, "IKE_SA_INIT "),
    (5, "IKEV2_PSK_MISSING", "HUB2", wan(5), "V05: AUTHENTICATION_FAILED 0 "),
    (6, "IKEV2_NO_PROFILE", "HUB2", wan(6), "V06: AUTHENTICATION_FAILED 0 "),
    (7, "VTI_NO_ROUTE", "V07", HUB, "ip route 0.0.0.0 0.0.0.0 203.0.113.93"),
    (8, "VTI_PMTU_BLACKHOLE", "V08", HUB, "Sending 2, 1400-byte ICMP Echos to 172.31.8.1"),
    (9, "IKEV2_TS_UNACCEPTABLE", "V09", HUB, "TS_UNACCEPTABLE 0 "),
    # behind a NAT, UDP 4500 dropped: the SA rows of both ends (the hub knows V11 by the NAT's
    # outside address, so the finding is on the end behind it)
    (11, "IKEV2_NAT_T_BLOCKED", "V11", HUB, "HUB2: "),
    # rsa-sig: V13's own certificate ended before the lab clock; the hub's refusal is quoted
    (13, "IKEV2_CERT_EXPIRED", "V13", HUB, "HUB2: "),
    # rsa-sig: V14's trustpoint says revocation-check crl and no CRL can be fetched
    (14, "IKEV2_CRL_UNAVAILABLE", "V14", HUB, "Reason : Enrollment URL not configured."),
    # rsa-sig: V15's certificate comes from a CA no trustpoint of HUB2 holds (the hub's fault)
    (15, "IKEV2_CERT_UNTRUSTED", "HUB2", wan(15), "V15: cn=Partner Root CA"),
]


@pytest.fixture(scope="module")
def health(flex: tuple[Fleet, Path]) -> PlaybookRun:
    """First in the module: the triages below leave their debug lines in the buffers."""
    return run(flex, "health_check", ["HUB2", *SPOKES, GRE_SPOKE])


def test_health_reads_ikev2_state_of_every_vti(health: PlaybookRun) -> None:
    by_host = {h.host: h for h in health.report.hosts}
    assert (by_host["V01"].tunnels_up, by_host["V01"].tunnels_total) == (1, 1)
    assert by_host["V02"].tunnels_up == 0 and by_host["V02"].tunnels_total == 1
    # fifteen tunnel interfaces and V09's crypto map entry; V01, V07, V08, V10 (NAT-T), V12
    # (a certificate still valid) and G01 (GRE over IPsec) are up
    assert (by_host["HUB2"].tunnels_up, by_host["HUB2"].tunnels_total) == (6, 16)
    assert not [f for f in health.report.findings if f.code == "NO_INTERESTING_TRAFFIC"]
    read = {c.host: {o.command for o in c.outputs} for c in health.collections}
    assert "show crypto ikev2 sa" in read["V01"] and "show crypto isakmp sa" not in read["V01"]
    # a hub with tunnel interfaces and a crypto map is read completely; its map entry is IKEv2
    # (set ikev2-profile) and it has no ISAKMP configuration, so no IKEv1 table is asked
    assert {"show crypto map", "show crypto ikev2 sa", "show crypto session"} <= read["HUB2"]
    assert "show crypto isakmp sa" not in read["HUB2"]
    assert "show crypto map" not in read["V01"]  # a VTI spoke has no crypto map: not asked


@pytest.mark.parametrize(
    ("spoke", "code", "host", "peer", "quote"), HEALTH, ids=[c[1] for c in HEALTH]
)
def test_health_names_each_fault_on_its_router_without_debug(
    health: PlaybookRun, spoke: int, code: str, host: str, peer: str, quote: str
) -> None:
    """No debug runs: both ends' exchange counters, SA rows and configs name the cause."""
    found = [f for f in health.report.findings if f.code == code]
    assert [(f.host, f.peer) for f in found] == [(host, peer)], found
    assert found[0].severity is Severity.CRITICAL
    assert found[0].source in (Source.STATE, Source.CONFIG)
    assert any(line.startswith(quote) for line in found[0].evidence), found[0].evidence
    # the other end of the tunnel gets at most an informational pointer
    other = ("HUB2", wan(spoke)) if host != "HUB2" else (f"V{spoke:02d}", HUB)
    there = [f for f in health.report.findings if (f.host, f.peer) == other]
    assert all(f.severity is Severity.INFO for f in there), there
    assert {f.code for f in there} <= {"EXPLAINED_AT_PEER"}


def test_health_quotes_both_proposals_and_the_return_path(health: PlaybookRun) -> None:
    by_code = {f.code: f for f in health.report.findings}
    proposal = by_code["IKEV2_PROPOSAL_MISMATCH"].evidence
    assert "group 19" in proposal and "HUB2: group 14" in proposal
    no_answer = by_code["IKEV2_NO_RESPONSE"]
    assert "(return path)" in no_answer.summary
    assert any(line.startswith("HUB2: ") and "IN-NEG" in line for line in no_answer.evidence)


def test_health_warns_of_a_certificate_that_expires_soon(health: PlaybookRun) -> None:
    """V12's certificate ends five minutes into the lab: its tunnel is up, the health check
    warns before it breaks, from the certificate's end date and the router's clock."""
    (found,) = [f for f in health.report.findings if f.code == "IKEV2_CERT_EXPIRING"]
    assert (found.host, found.peer, found.severity) == ("V12", HUB, Severity.WARNING)
    assert "end   date: 11:11:40 UTC Nov 18 2026" in found.evidence
    assert any(line.startswith("show clock: *11:0") for line in found.evidence)
    by_host = {h.host: h for h in health.report.hosts}
    assert (by_host["V12"].tunnels_up, by_host["V12"].tunnels_total) == (1, 1)
    read = {c.host: {o.command for o in c.outputs} for c in health.collections}
    assert "show crypto pki certificates" in read["V12"]
    assert "show crypto pki certificates" not in read["V01"]  # pre-shared keys: not asked


def test_the_healthy_vti_gets_nothing_above_info(health: PlaybookRun) -> None:
    healthy = [f for f in health.report.findings if f.host == "V01" or f.peer == wan(1)]
    assert all(f.severity <= Severity.INFO for f in healthy), healthy
    # the hub's own tunnel to V07 is routed: the missing route is V07's alone
    assert not [f for f in health.report.findings if f.peer == wan(7)]
    # every up tunnel without an MSS clamp was probed with a DF ping; only V08's path drops it
    read = {c.host: [o.command for o in c.outputs] for c in health.collections}
    assert "ping 172.31.1.1 size 1400 df-bit repeat 2 timeout 1" in read["V01"]
    assert not [c for c in read["HUB2"] if c.startswith("ping 172.31.8.2")]  # Tunnel8 clamps


def test_gre_over_ipsec_is_a_tunnel_interface_like_a_vti(health: PlaybookRun) -> None:
    """G01's Tunnel0 is GRE (the default mode, not printed) with tunnel protection: its SA
    protects GRE between the endpoints (``.../47/0`` idents, as real captures print them), it
    is up on both ends and nothing is reported about it."""
    by_host = {h.host: h for h in health.report.hosts}
    assert (by_host[GRE_SPOKE].tunnels_up, by_host[GRE_SPOKE].tunnels_total) == (1, 1)
    mine = [f for f in health.report.findings if GRE_SPOKE in (f.host, f.peer) or f.peer == GRE_WAN]
    assert all(f.severity <= Severity.INFO for f in mine), mine
    (g01,) = [c for c in health.collections if c.host == GRE_SPOKE]
    table = next(o.parsed for o in g01.outputs if o.command == "show crypto ipsec sa")
    (flow,) = table.flows
    assert (flow.interface, flow.crypto_map_tag, flow.current_peer) == (
        "Tunnel0",
        "Tunnel0-head-0",
        HUB,
    )
    assert (flow.local_ident.addr, flow.local_ident.prot) == (GRE_WAN, 47)
    assert (flow.remote_ident.addr, flow.remote_ident.prot) == (HUB, 47)
    assert {sa.in_use_settings for sa in flow.sas} == {("Transport",)}
    # the GRE proxy is the hub's address, not a LAN: no route lookup is made for it
    assert f"show ip route {HUB}" not in {o.command for o in g01.outputs}


# one per way of knowing: counters and configs (the hub's side), a config route, a probe,
# a certificate's dates against the router's clock, a CRL fetch failure in the log, both ends'
# certificates and trustpoints
NO_DEBUG = [c[:4] for c in HEALTH if c[0] in (5, 7, 8, 13, 14, 15)]


@pytest.mark.parametrize(("spoke", "code", "host", "peer"), NO_DEBUG, ids=[c[1] for c in NO_DEBUG])
def test_triage_without_debug_when_state_names_the_cause(
    flex: tuple[Fleet, Path], spoke: int, code: str, host: str, peer: str
) -> None:
    result = triage(flex, spoke)  # before any debug leaves lines in the buffers
    assert not result.debug  # the state explains it: no debug is started
    found = [f for f in result.report.findings if f.code == code]
    assert [(f.host, f.peer, f.severity) for f in found] == [(host, peer, Severity.CRITICAL)]


# (spoke, code, the router(s) where the cause is named, a line its evidence must quote)
CASES = [
    (2, "IKEV2_PROPOSAL_MISMATCH", {"HUB2", "V02"}, "Failed to find a matching policy"),
    (3, "IKEV2_AUTH_FAILED", {"HUB2", "V03"}, "Failed to authenticate the IKE SA"),
    # HUB2 -> V04 drops IKE: V04's answers never come back, HUB2's requests never arrive
    (4, "IKEV2_NO_RESPONSE", {"HUB2", "V04"}, "IKE_SA_INIT Exchange REQUEST"),
    # IKE_AUTH sent to UDP 4500 (by V11 or the hub, whichever initiated) and never answered
    (11, "IKEV2_NAT_T_BLOCKED", {"V11"}, ":4500/VRF i0:f0]"),
]


@pytest.mark.parametrize(("spoke", "code", "hosts", "quote"), CASES, ids=[c[1] for c in CASES])
def test_triage_names_the_ikev2_fault_with_the_debug_lines(
    flex: tuple[Fleet, Path], spoke: int, code: str, hosts: set[str], quote: str
) -> None:
    result = triage(flex, spoke, debug=True)
    assert result.debug and all(c.cleanup_verified and "ikev2" in c.kinds for c in result.debug)
    assert not any(d.debugs for d in flex[0].devices.values())  # undebug all, verified
    found = [f for f in result.report.findings if f.code == code]
    assert found, [(f.host, f.code, f.peer) for f in result.report.findings]
    assert {f.host for f in found} <= hosts and {f.peer for f in found} <= {HUB, wan(spoke)}
    assert all(f.severity is Severity.CRITICAL for f in found)
    assert any(quote in line for f in found for line in f.evidence), found[0].evidence
    if spoke == 4:  # the spoke's view names the broken direction
        (v04,) = [f for f in found if f.host == "V04"]
        assert "(return path)" in v04.summary and f"the return path {HUB} -> V04" in v04.cause


def test_triage_of_the_healthy_spoke_finds_it_up(flex: tuple[Fleet, Path]) -> None:
    result = triage(flex, 1)
    assert not result.debug  # up: nothing to explain, no debug
    by_host = {h.host: h for h in result.report.hosts}
    assert (by_host["V01"].tunnels_up, by_host["V01"].tunnels_total) == (1, 1)
    assert by_host["V01"].worst_severity() in (None, Severity.INFO)


def test_cli_triage_of_a_tunnel_interface(
    flex: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``vpndiag triage HUB2 --interface Tunnel3``: the VTI's destination is the peer, V03
    (owner of that address) the other end; a forced debug runs ``debug crypto ikev2`` on both
    ends and is switched off and verified."""
    _, config = flex
    out = tmp_path / "triage.json"
    args = ["triage", "HUB2", "--interface", "tu3", "-i", str(config), "--debug"]
    code = main([*args, "--debug-seconds", "1", "--poll-interval", "0", "-o", str(out)])
    report = json.loads(out.read_text())
    assert code == exit_codes.FINDINGS
    assert {h["host"] for h in report["hosts"]} == {"HUB2", "V03"}
    found = [(f["host"], f["code"]) for f in report["findings"]]
    assert ("V03", "IKEV2_AUTH_FAILED") in found
    # a 1 s real-time window may begin mid-session, so lines that name no peer come in; each
    # end debugs under one condition, so they are that peer's: no peerless finding
    cause = [f["peer"] for f in report["findings"] if f["code"] == "IKEV2_AUTH_FAILED"]
    assert cause and set(cause) <= {HUB, wan(3)}
    assert not [f for f in report["findings"] if f["peer"] is None], report["findings"]
    debugs = report["debug"]
    assert {d["host"] for d in debugs} == {"HUB2", "V03"}, debugs
    assert all("ikev2" in d["kinds"] and d["cleanup_verified"] for d in debugs), debugs
    assert not any(d.debugs for d in flex[0].devices.values())
    capsys.readouterr()
    assert main(["triage", "HUB2", "--interface", "GigabitEthernet1", "-i", str(config)]) == 3
    assert "no tunnel interface GigabitEthernet1" in capsys.readouterr().err


def test_history_keys_vtis_by_destination_and_drift_names_the_tunnel_interface(
    flex: tuple[Fleet, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last in the module (it takes V01's tunnel down): two recorded health checks around
    V01's IKEv2 SA cleared on a path that then drops everything between V01 and HUB2. Every
    IKEv2 SA is recorded under its tunnel destination with its tunnel interface and READY
    (V10's behind a NAT too: no UDP 4500 port in the key, the same key both runs)."""
    fleet, config = flex
    db, hosts = tmp_path / "history.db", ["HUB2", "V01", "V10"]
    before = record(config, db, tmp_path / "a", hosts)
    fleet.add_fault(Fault(FaultKind.DROP, src="V01", dst="HUB2"))
    fleet.add_fault(Fault(FaultKind.DROP, src="HUB2", dst="V01"))
    try:
        cli(fleet, "V01", "clear crypto ikev2 sa")
        cli(fleet, "HUB2", f"clear crypto session remote {wan(1)}")
        fleet.advance(30)
        after = record(config, db, tmp_path / "b", hosts)
    finally:
        fleet.clear_faults()

    first, second = tunnels(db, before), tunnels(db, after)
    assert first.keys() == second.keys()
    vti = {k: (t.kind, t.interface, t.state, t.phase1) for k, t in first.items()}
    up = (TunnelStatus.UP, "READY")
    assert vti[("V01", HUB)] == (TunnelKind.VTI, "Tunnel0", *up)
    assert vti[("HUB2", wan(1))] == (TunnelKind.VTI, "Tunnel1", *up)
    assert vti[("V10", HUB)] == (TunnelKind.VTI, "Tunnel0", *up)
    assert vti[("HUB2", "203.0.113.106")] == (TunnelKind.VTI, "Tunnel10", *up)  # V10's NAT
    assert vti[("HUB2", wan(9))][:2] == (TunnelKind.CRYPTO_MAP, None)  # V09: a crypto map

    capsys.readouterr()
    assert main(["audit", "diff", "--db", str(db)]) == exit_codes.FINDINGS
    out = capsys.readouterr().out
    down = out.split("tunnels down (critical)")[1].split("\n\n")[0]
    assert sorted(line.strip() for line in down.strip().splitlines()) == [
        f"HUB2 Tunnel1 -> {wan(1)} (VTI): up -> {second[('HUB2', wan(1))].state}",
        f"V01 Tunnel0 -> {HUB} (VTI): up -> {second[('V01', HUB)].state}",
    ]
    history = report_json(tmp_path / "b")["history"]
    assert {(p["host"], p["peer"]) for p in history} == set(first)
    assert ("V10", HUB, "up") in {(p["host"], p["peer"], p["state"]) for p in history}
