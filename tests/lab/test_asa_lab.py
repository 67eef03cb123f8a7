"""The ASA sites of the lab (lab/scenarios/asa.yaml) as unmodified netmiko ``cisco_asa`` sees
them over real SSH: prompts, enable, pager, configuration, and the live crypto state each
fault leaves on the ASA and on its IOS-XE hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from netmiko import BaseConnection, ConnectHandler

from lab.fleet import Fleet
from lab.scenario import load_scenario

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def asa_lab(host_key: Path) -> Iterator[Fleet]:
    """The ASA region after 60 lab seconds: tunnels up, faults showing."""
    fleet = Fleet(load_scenario("asa"))
    fleet.start(key_path=host_key)
    try:
        fleet.advance(60)
        yield fleet
    finally:
        fleet.stop()


def _asa(fleet: Fleet, name: str) -> BaseConnection:
    params = fleet.connection(name)
    assert params["device_type"] == "cisco_asa"
    return ConnectHandler(**params)  # the driver enables and sends "terminal pager 0" itself


def _show(conn: BaseConnection, command: str) -> str:
    out = conn.send_command(command)
    assert isinstance(out, str)
    return out


def test_netmiko_cisco_asa_reads_version_and_crypto_state(asa_lab: Fleet) -> None:
    conn = _asa(asa_lab, "ASA1")
    try:
        assert conn.find_prompt() == "ASA1#"
        version = _show(conn, "show version")
        assert "Cisco Adaptive Security Appliance Software Version 9.15(1)1" in version
        assert "ASA1 up " in version and "Hardware:   ASAv" in version
        ike = _show(conn, "show crypto ikev1 sa")
        assert "IKE Peer: 198.51.100.194" in ike
        assert "State   : MM_ACTIVE" in ike
        assert "Type    : L2L" in ike
        assert "Current privilege level : 15" in _show(conn, "show curpriv")
        assert _show(conn, "show cpu usage").startswith("CPU utilization for 5 seconds = ")
        l2l = _show(conn, "show vpn-sessiondb l2l")
        assert "Connection   : 198.51.100.194" in l2l and "Protocol     : IKEv1 IPsec" in l2l
        detail = _show(conn, "show vpn-sessiondb detail l2l filter ipaddress 198.51.100.194")
        assert (
            "  IKE Neg Mode : Main" in detail
            and "  Local Addr   : 10.31.0.0/255.255.255.0/0/0" in detail
        )
        traced = _show(conn, "packet-tracer input inside icmp 10.31.0.10 8 0 10.30.0.10 detailed")
        assert "Type: VPN\nSubtype: encrypt\nResult: ALLOW" in traced
        assert "Static translate 10.31.0.10/0 to 10.31.0.10/0" in traced
        assert traced.rstrip().endswith("Action: allow")
    finally:
        conn.disconnect()


def test_running_config_masks_keys_and_sections(asa_lab: Fleet) -> None:
    conn = _asa(asa_lab, "ASA1")
    try:
        full = _show(conn, "show running-config")
        assert full.startswith(": Saved")
        assert "ASA Version 9.15(1)1" in full and full.rstrip().endswith(": end")
        assert "ASA1-Psk-7x" not in full
        assert " ikev1 pre-shared-key *****" in full
        crypto = _show(conn, "show running-config crypto").splitlines()
        assert "crypto map outside_map interface outside" in crypto
        assert all(line.startswith(("crypto", " ")) for line in crypto)
        tg = _show(conn, "show run tunnel-group")
        assert tg.splitlines()[0] == "tunnel-group 198.51.100.194 type ipsec-l2l"
        assert "ASA1-Psk-7x" not in tg
    finally:
        conn.disconnect()


def test_configuration_mode_and_write_memory(asa_lab: Fleet) -> None:
    conn = _asa(asa_lab, "ASA3")
    try:
        out = conn.send_config_set(["object network TEST-OBJ", "subnet 192.0.2.0 255.255.255.0"])
        assert "ASA3(config-network-object)#" in out
        assert "object network TEST-OBJ\n subnet 192.0.2.0 255.255.255.0" in _show(
            conn, "show running-config object"
        )
        saved = _show(conn, "write memory")
        assert saved.startswith("Building configuration...\nCryptochecksum: ")
        assert saved.rstrip().endswith("[OK]")
        bad = _show(conn, "show crypto nonsense")
        assert bad.splitlines()[-1] == "ERROR: % Invalid input detected at '^' marker."
    finally:
        conn.disconnect()


def _states(fleet: Fleet, name: str) -> tuple[str, str, str]:
    conn = _asa(fleet, name)
    try:
        commands = ("show crypto ikev1 sa", "show crypto ipsec sa", "show logging")
        ike, ipsec, log = (_show(conn, c) for c in commands)
        return ike, ipsec, log
    finally:
        conn.disconnect()


def _counter(text: str, label: str) -> int:
    line = next(ln for ln in text.splitlines() if f"#pkts {label}:" in ln)
    return int(line.split(f"#pkts {label}:")[1].split(",")[0])


def test_each_fault_leaves_its_state_on_the_asa(asa_lab: Fleet) -> None:
    ike, ipsec, log = _states(asa_lab, "ASA1")  # healthy: traffic both ways
    assert _counter(ipsec, "encaps") > 0 and _counter(ipsec, "decaps") > 0
    assert "%ASA-5-713120: Group = 198.51.100.194, IP = 198.51.100.194, PHASE 2 COMPLETED" in log
    ike, ipsec, log = _states(asa_lab, "ASA2")  # no NAT exemption: replies leave translated
    assert _counter(ipsec, "decaps") > 0 and _counter(ipsec, "encaps") == 0
    for name in ("ASA3", "ASA4"):  # no key for the hub / IKEv1 off: phase 1 never forms
        ike, ipsec, log = _states(asa_lab, name)
        assert "There are no IKEv1 SAs" in ike and "There are no ipsec sas" in ipsec
        assert "%ASA-3-" not in log and "713" not in log  # no IKE message, no IOS one
        assert "%ASA-6-605005: Login permitted from 127.0.0.1/" in log  # our own session
    for name in ("ASA5", "ASA6", "ASA7"):  # no map / PFS / proxies: phase 2 refused
        ike, ipsec, log = _states(asa_lab, name)
        assert "MM_ACTIVE" in ike and "There are no ipsec sas" in ipsec
        assert "%ASA-3-713902:" in log and "PHASE 2 COMPLETED" not in log
        no_map = "Rejecting IPSec tunnel: no matching crypto map entry for remote proxy 10.30.0.0"
        assert (no_map in log) == (name != "ASA6")


def test_the_hub_sees_the_asa_faults_from_its_end(asa_lab: Fleet) -> None:
    conn = ConnectHandler(**asa_lab.connection("AHUB"))
    try:
        conn.enable()
        isakmp = _show(conn, "show crypto isakmp sa")
    finally:
        conn.disconnect()
    rows: dict[str, set[str]] = {}  # peer -> its SAs' states, whichever end started
    for line in isakmp.splitlines():
        w = line.split()
        if len(w) > 2 and w[0].count(".") == 3:
            rows.setdefault(w[1] if w[0] == "198.51.100.194" else w[0], set()).add(w[2])
    assert rows["203.0.113.194"] == {"QM_IDLE"}
    assert rows["203.0.113.202"] == {"MM_SA_SETUP"}  # ASA3 answered MSG1, dropped MSG3
    assert rows["203.0.113.206"] == {"MM_NO_STATE"}  # ASA4 runs no IKEv1 on outside


def test_conditional_debug_and_logoff(asa_lab: Fleet) -> None:
    conn = _asa(asa_lab, "ASA6")
    try:
        for command in ("debug crypto condition peer 198.51.100.194", "debug crypto ikev1 127"):
            assert _show(conn, command) == ""
        assert _show(conn, "show debug").splitlines() == [
            "debug crypto condition peer 198.51.100.194",
            "debug crypto ikev1 enabled at level 127",
        ]
        asa_lab.advance(20)  # the hub's next quick mode (every 10-15 s), refused for PFS
        log = _show(conn, "show logging")
        assert "[IKEv1]: Group = 198.51.100.194, IP = 198.51.100.194, All IPSec SA proposals" in log
        _show(conn, "undebug all")
        _show(conn, "no debug crypto condition")
        assert _show(conn, "show debug") == ""
        asa6 = asa_lab.device("ASA6")
        before = asa_lab.call(lambda: [sa for sa in asa6.crypto.isakmp if not sa.deleted])
        out = _show(conn, "vpn-sessiondb logoff ipaddress 198.51.100.194 noconfirm")
        assert "logged off : 1" in out
        # The hub's traffic may bring a fresh SA at once; the logged-off one is gone.
        assert before and all(asa_lab.call(lambda: [sa.deleted for sa in before]))
    finally:
        conn.disconnect()


def test_packet_tracer_shows_nat_before_the_crypto_map(asa_lab: Fleet) -> None:
    conn = _asa(asa_lab, "ASA2")
    try:
        traced = _show(conn, "packet-tracer input inside tcp 10.32.0.10 1025 10.30.0.10 443")
        nat = _show(conn, "show nat detail")
        conns = _show(conn, "show conn")
    finally:
        conn.disconnect()
    assert "object network LAN\n nat (inside,outside) dynamic interface" in traced
    assert "Dynamic translate 10.32.0.10/1025 to 203.0.113.198/" in traced
    assert "Type: VPN" not in traced and "Action: allow" in traced  # leaves in clear
    assert nat.splitlines()[:2] == [
        "Auto NAT Policies (Section 2)",
        "1 (inside) to (outside) source dynamic LAN interface",
    ]  # and no Manual NAT section: no exemption
    assert "Source - Origin: 10.32.0.0/24, Translated: 203.0.113.198/32" in nat
    assert conns.splitlines()[1].endswith("bytes 0, flags saA")  # its SYN is never answered


def test_asp_drop_counts_traffic_held_for_a_missing_sa(asa_lab: Fleet) -> None:
    conn = _asa(asa_lab, "ASA7")
    try:
        drops = _show(conn, "show asp drop")
        _show(conn, "clear asp drop")
        cleared = _show(conn, "show asp drop")
    finally:
        conn.disconnect()
    row = next(ln for ln in drops.splitlines() if "(ipsec-tun-down)" in ln)
    assert len(row) == 80 and int(row.split()[-1]) > 0
    assert "(ipsec-tun-down)" not in cleared and "Last clearing: Never" not in cleared


def test_ikev2_site_negotiates_with_the_ios_hub(asa_lab: Fleet) -> None:
    """ASA8: IKEv2 crypto map (set ikev2 ipsec-proposal) against AHUB's IKEv2 profile; both
    ends show the one tunnel, each in its own words, keys masked in the ASA's configuration."""
    conn = _asa(asa_lab, "ASA8")
    try:
        sa = _show(conn, "show crypto ikev2 sa")
        ipsec = _show(conn, "show crypto ipsec sa")
        l2l = _show(conn, "show vpn-sessiondb detail l2l")
        groups = _show(conn, "show running-config tunnel-group")
        mode = conn.send_config_set(["crypto ikev2 policy 20", "encryption aes-256"])
    finally:
        conn.disconnect()
    assert "Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1" in sa
    assert " 203.0.113.222/500       198.51.100.194/500     READY    " in sa
    assert "Encr: AES-CBC, keysize: 256, Hash: SHA256, DH Grp:14, Auth sign: PSK" in sa
    assert "Child sa: local selector  10.38.0.0/0 - 10.38.0.255/65535" in sa
    assert "in use settings ={L2L, Tunnel, IKEv2, }" in ipsec
    assert (
        "local crypto endpt.: 203.0.113.222/500, remote crypto endpt.: 198.51.100.194/500" in ipsec
    )
    assert _counter(ipsec, "encaps") > 0 and _counter(ipsec, "decaps") > 0
    assert "Protocol     : IKEv2 IPsec" in l2l and "IKEv2 Tunnels: 1" in l2l
    assert "  PRF          : SHA256                 D/H Group    : 14" in l2l
    assert " ikev2 local-authentication pre-shared-key *****" in groups
    assert "ASA8-V2-Psk-7x" not in groups
    assert "ASA8(config-ikev2-policy)#" in mode
    hub = ConnectHandler(**asa_lab.connection("AHUB"))
    try:
        hub.enable()
        hub_sa = _show(hub, "show crypto ikev2 sa")
        session = _show(hub, "show crypto session")
    finally:
        hub.disconnect()
    assert "198.51.100.194/500    203.0.113.222/500     none/none            READY" in hub_sa
    block = session[session.index("Peer: 203.0.113.222") :].split("\n\n")[0]
    assert "IKEv2 SA: local 198.51.100.194/500 remote 203.0.113.222/500 Active" in block


def test_ikev2_psk_mismatch_is_logged_in_the_asa_words(asa_lab: Fleet) -> None:
    """ASA9: keys differ from AHUB's keyring: IKE_AUTH refused both ways, no SA, and the ASA
    logs 750003; its protocol debug shows which end refused."""
    conn = _asa(asa_lab, "ASA9")
    try:
        _show(conn, "debug crypto condition peer 198.51.100.194")
        _show(conn, "debug crypto ikev2 protocol 127")
        asa_lab.advance(12)  # a retry each way every 10 s
        log = _show(conn, "show logging")
        sa = _show(conn, "show crypto ikev2 sa")
        _show(conn, "undebug all")
        assert _show(conn, "show debug") == "debug crypto condition peer 198.51.100.194"
    finally:
        conn.disconnect()
    assert "There are no IKEv2 SAs" in sa
    assert (
        "%ASA-4-750003: Local:203.0.113.226:500 Remote:198.51.100.194:500 Username:Unknown "
        "IKEv2 Negotiation aborted due to ERROR: Failed to authenticate the IKE SA" in log
    )
    assert "IKEv2-PLAT-3: mapped to tunnel group 198.51.100.194 using peer IP" in log
    assert ": Verify auth failed" in log and ": Sending authentication failure notify" in log
    assert "SESSION ID =" not in log  # no IOS-XE debug line on an ASA


def test_ikev2_proposal_mismatch_prints_both_policies_in_the_asa_debug(asa_lab: Fleet) -> None:
    """ASA10 asks DH group 21, AHUB offers 14: as responder the ASA prints what it received and
    what it expected (the layout of golden blog_asa_ikev2_debug_no_matching_policy)."""
    conn = _asa(asa_lab, "ASA10")
    try:
        _show(conn, "debug crypto ikev2 protocol 127")
        asa_lab.advance(12)
        log = _show(conn, "show logging")
        _show(conn, "undebug all")
    finally:
        conn.disconnect()
    lines = log.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.endswith("): Received Policies:"))
    assert lines[at + 1] == "Proposal 1: AES-CBC-256 SHA256 SHA256 DH_GROUP_2048_MODP/Group 14"
    assert lines[at + 2].endswith("): Failed to find a matching policy")
    assert lines[at + 3].endswith("): Expected Policies:")
    assert lines[at + 4] == "Proposal 1: AES-CBC-256 SHA256 SHA256 DH_GROUP_521_ECP/Group 21"
    assert any(ln.endswith("): Received no proposal chosen notify") for ln in lines)  # initiator
    assert not [ln for ln in lines if "%ASA-4-750003:" in ln or "%ASA-5-750006:" in ln]
