"""IKEv2 static VTIs in the lab, read over SSH: the ``flexvpn`` scenario's healthy spoke and
its three faults, as an engineer reads them on both ends."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lab.fleet import Fleet, fault_from_spec
from lab.scenario import FaultSpec, Scenario, load_scenario
from tests.lab.labcli import cli, one

pytestmark = pytest.mark.lab

HUB = "198.51.100.66"


def wan(n: int) -> str:
    return f"203.0.113.{64 + 4 * n + 2}"


def v2_rows(text: str) -> dict[tuple[str, str], str]:
    """{(local, remote): status} from ``show crypto ikev2 sa``."""
    found = re.findall(r"^\d+\s+(\S+)/500\s+(\S+)/500\s+\S+\s+(\S+)", text, re.M)
    return {(local, remote): status for local, remote, status in found}


@pytest.fixture(scope="module")
def flex(host_key: Path) -> Iterator[Fleet]:
    fleet = Fleet(load_scenario("flexvpn"))
    fleet.start(key_path=host_key)

    def debug_everywhere() -> None:
        for device in fleet.devices.values():
            device.debugs.add("ikev2")

    fleet.call(debug_everywhere)
    fleet.advance(30)
    yield fleet
    fleet.stop()


def test_healthy_svti_is_ready_and_the_tunnel_is_up(flex: Fleet) -> None:
    sa, detail, brief, itf = cli(
        flex,
        "V01",
        "show crypto ikev2 sa",
        "show crypto ikev2 sa detailed",
        "show ip interface brief",
        "show interfaces Tunnel0",
    )
    assert v2_rows(sa) == {(wan(1), HUB): "READY"}
    assert "Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14" in sa
    assert "DPD configured for 10 seconds, retry 3" in detail
    assert "Initiator of SA : No" in detail  # the hub came first
    assert re.search(r"^Tunnel0\s+172\.31\.1\.2\s+YES manual up\s+up", brief, re.M)
    assert "Tunnel0 is up, line protocol is up" in itf
    assert f"Tunnel source {wan(1)}, destination {HUB}" in itf
    assert 'Tunnel protection via IPSec (profile "VTI")' in itf
    ipsec, session = cli(flex, "HUB2", "show crypto ipsec sa", "show crypto session detail")
    block = ipsec.split("interface: Tunnel1\n")[1].split("interface:")[0]
    assert "Crypto map tag: Tunnel1-head-0, local addr 198.51.100.66" in block
    assert "remote ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)" in block
    assert "Status: ACTIVE(ACTIVE)" in block
    hub_v01 = session.split("Interface: Tunnel1\n")[1].split("Interface:")[0]
    assert "Session status: UP-ACTIVE" in hub_v01
    assert f"IKEv2 SA: local {HUB}/500 remote {wan(1)}/500 Active" in hub_v01


def test_proposal_mismatch_no_proposal_chosen(flex: Fleet) -> None:
    hub_log = one(flex, "HUB2", "show logging")
    assert "Received Policies: : Failed to find a matching policyProposal 1:" in hub_log
    assert "DH GROUP: DH_GROUP_256_ECP/Group 19" in hub_log
    v02_sa, v02_log, brief = cli(
        flex, "V02", "show crypto ikev2 sa", "show logging", "show ip interface brief"
    )
    assert v2_rows(v02_sa).get((wan(2), HUB)) != "READY"
    assert " NOTIFY(NO_PROPOSAL_CHOSEN) " in v02_log
    assert re.search(r"^Tunnel0\s+172\.31\.2\.2\s+YES manual up\s+down", brief, re.M)


def test_psk_mismatch_authentication_failed(flex: Fleet) -> None:
    for router in ("HUB2", "V03"):
        log = one(flex, router, "show logging")
        assert "IKEv2-ERROR:" in log and ": Failed to authenticate the IKE SA" in log
    assert "NOTIFY(AUTHENTICATION_FAILED)" in one(flex, "V03", "show logging")
    assert "Session status: DOWN" in one(flex, "V03", "show crypto session")


def test_no_response_retransmits_then_gives_up(flex: Fleet) -> None:
    rows = v2_rows(one(flex, "V04", "show crypto ikev2 sa"))
    assert rows[(wan(4), HUB)] == "IN-NEG"
    flex.advance(60)
    log = one(flex, "V04", "show logging")
    assert "Retransmitting packet" in log
    assert re.search(r"IKEv2-ERROR:\(SESSION ID = \d+,SA ID = 1\):Initial exchange failed", log)
    # the requests reach the hub (its debug has them): the answers are lost on the way back
    hub = one(flex, "HUB2", "show logging")
    assert f"Received Packet [From {wan(4)}:500/To {HUB}:500/VRF i0:f0]" in hub


# "Sending Packet [To 198.51.100.66:4500/From 192.168.111.2:4500/VRF i0:f0]" + its headers
_AUTH_4500 = re.compile(
    r"Sending Packet \[To (\S+):4500/From \S+:4500/VRF i0:f0\] \n"
    r"Initiator SPI : (\w+) - Responder SPI : \w+ Message id: 1\nIKEv2 IKE_AUTH Exchange REQUEST"
)


def test_behind_a_nat_ike_and_esp_float_to_udp_4500(flex: Fleet) -> None:
    """V10 sits behind a static NAT (192.168.110.2 seen as 203.0.113.106)."""
    sa, detail, ipsec, session = cli(
        flex,
        "V10",
        "show crypto ikev2 sa",
        "show crypto ikev2 sa detailed",
        "show crypto ipsec sa",
        "show crypto session detail",
    )
    assert re.search(rf"^\d+\s+192\.168\.110\.2/4500\s+{HUB}/4500\s+none/none\s+READY", sa, re.M)
    assert "NAT-T is detected inside" in detail
    assert f"current_peer {HUB} port 4500" in ipsec
    assert ipsec.count("in use settings ={Tunnel UDP-Encaps, }") == 2
    assert "Capabilities:DN " in session and f"Peer: {HUB} port 4500 " in session
    hub = one(flex, "HUB2", "show crypto ikev2 sa detailed")
    block = hub.split(f" {wan(10)}/4500 ")[1].split("\n\n")[0]  # the NAT's outside address
    assert "READY" in block and "NAT-T is detected outside" in block
    assert "Remote id: 192.168.110.2" in block  # the identity V10 sent: its own address


def test_a_path_dropping_udp_4500_loses_ike_auth_after_nat_detection(flex: Fleet) -> None:
    """V11 is behind a NAT too, on a path that drops UDP 4500: whichever end initiates,
    IKE_SA_INIT completes on 500 and IKE_AUTH on 4500 is resent without an answer."""
    logs = one(flex, "V11", "show logging") + one(flex, "HUB2", "show logging")
    assert re.search(r"IKEv2:\(SESSION ID = \d+,SA ID = 1\):NAT (INSIDE|OUTSIDE) found", logs)
    sends = [spi for to, spi in _AUTH_4500.findall(logs) if to in (HUB, wan(11))]
    assert max(sends.count(spi) for spi in sends) >= 3  # the first send and its resends
    rows = [
        line.split()
        for line in one(flex, "HUB2", "show crypto ikev2 sa").splitlines()
        if f" {wan(11)}/" in line
    ]
    assert all(row[4] != "READY" for row in rows)  # never up (a half-open or floated SA)
    assert "READY" not in one(flex, "V11", "show crypto ikev2 sa")


def test_rsa_sig_with_a_trustpoint_and_an_expired_certificate_refused(flex: Fleet) -> None:
    """V12 and V13 authenticate with certificates (trustpoint LAB-CA); V13's ended on Nov 10,
    before the lab clock: the hub refuses it whoever initiates."""
    certs, sa = cli(flex, "V12", "show crypto pki certificates", "show crypto ikev2 sa")
    mine, ca = certs.split("\n\n")[:2]
    assert mine.startswith("Certificate\n  Status: Available\n")
    assert "  Certificate Serial Number (hex): 0C\n  Certificate Usage: General Purpose" in mine
    assert "  Subject:\n    Name: V12.lab.vpndiag.test\n    hostname=V12.lab.vpndiag.test" in mine
    assert "    end   date: 11:11:40 UTC Nov 18 2026\n  Associated Trustpoints: LAB-CA" in mine
    assert ca.startswith("CA Certificate") and "  Issuer:\n    cn=Lab Root CA\n    o=vpndiag" in ca
    assert "Auth sign: RSA, Auth verify: RSA" in sa and "READY" in sa
    hub = one(flex, "HUB2", "show logging")
    assert (
        "%PKI-3-CERTIFICATE_INVALID_EXPIRED: Certificate chain validation has failed. The "
        "certificate (SN: 0D) has expired. Validity period ended on 09:30:00 UTC Nov 10 2026"
    ) in hub
    assert (
        "Verify cert failed" in hub and "Verification of peer's authentication data FAILED" in hub
    )
    v13 = cli(flex, "V13", "show crypto ikev2 sa", "show crypto pki certificates")
    assert "READY" not in v13[0]
    assert "Status: Available" in v13[1]  # IOS says nothing else of an expired certificate


def test_a_certificate_the_lab_clock_passes_fails_the_next_negotiation(flex: Fleet) -> None:
    """V12's certificate ends at 11:11:40, five minutes into the lab: its SA lives on until it
    is negotiated again, which the hub then refuses."""
    flex.advance(max(0.0, 310 - flex.clock.now()))
    assert v2_rows(one(flex, "V12", "show crypto ikev2 sa")).get((wan(12), HUB)) == "READY"
    one(flex, "V12", "clear crypto session")
    flex.advance(5)
    assert "(SN: 0C) has expired" in one(flex, "HUB2", "show logging")
    assert v2_rows(one(flex, "V12", "show crypto ikev2 sa")).get((wan(12), HUB)) != "READY"


def test_clear_deletes_both_ends_and_the_vti_comes_back(flex: Fleet) -> None:
    one(flex, "V01", "clear crypto session")
    assert "Sending DELETE INFO message for IKEv2 SA" in one(flex, "V01", "show logging")
    assert (wan(1), HUB) not in {
        k for k, v in v2_rows(one(flex, "HUB2", "show crypto ikev2 sa")).items() if v == "READY"
    }
    flex.advance(20)
    assert v2_rows(one(flex, "V01", "show crypto ikev2 sa")).get((wan(1), HUB)) == "READY"


def test_dpd_clears_a_dead_peer_then_the_tunnel_returns(flex: Fleet) -> None:
    """Run last: it changes the fleet's faults. IKE from the hub to V01 is lost: V01's
    liveness checks go unanswered and DPD deletes its SAs; the tunnel goes down."""
    flex.add_fault(fault_from_spec(FaultSpec(kind="drop", src="HUB2", dst="V01", protocol="ike")))
    flex.advance(50)
    log, brief = cli(flex, "V01", "show logging", "show ip interface brief")
    assert "Peer is dead (DPD)" in log
    assert re.search(r"^Tunnel0\s+172\.31\.1\.2\s+YES manual up\s+down", brief, re.M)
    flex.clear_faults()
    flex.advance(20)
    assert v2_rows(one(flex, "V01", "show crypto ikev2 sa")).get((wan(1), HUB)) == "READY"


def test_invalid_ke_payload_then_a_retry_in_the_responders_group(
    fleet_factory: Callable[[Scenario], Fleet],
) -> None:
    """HUB2 offers DH groups 19 and 14, V01 20 and 14: whichever starts sends its KE payload in
    its first group, the other selects 14 and answers INVALID_KE_PAYLOAD asking for it, keeping
    nothing, and the second IKE_SA_INIT (KE 14) brings the tunnel up: a group order mismatch
    costs one round trip, it is no fault."""
    flexvpn = load_scenario("flexvpn")
    groups = {"HUB2": " group 19 14\n", "V01": " group 20 14\n"}
    routers = [
        r.model_copy(update={"config": r.config.replace(" group 14\n", groups[r.name])})
        for r in flexvpn.routers
        if r.name in groups
    ]
    fleet = fleet_factory(flexvpn.model_copy(update={"routers": routers, "faults": []}))

    def debug_both() -> None:
        for name in groups:
            fleet.devices[name].debugs.add("ikev2")

    fleet.call(debug_both)
    fleet.advance(5)
    sa, stats, log = cli(
        fleet, "V01", "show crypto ikev2 sa", "show crypto ikev2 stats exchange", "show logging"
    )
    assert v2_rows(sa).get((wan(1), HUB)) == "READY" and "DH Grp:14" in sa
    # one refusal, sent (the hub started) or received (V01 started), then success
    assert re.search(r"^INVALID_KE_PAYLOAD (0 1 0 0|0 0 0 1)$", stats, re.M), stats
    logs = log + one(fleet, "HUB2", "show logging")
    assert re.search(r"Invalid KE payload: DH group (19|20), expected 14", logs)
    assert "Retrying IKE_SA_INIT with DH group 14" in logs
