"""The peers ``vpndiag triage HOST --interface TunnelN`` reads for a multipoint GRE interface,
from real ``show dmvpn detail`` captures (tests/golden, provenance there)."""

from __future__ import annotations

from pathlib import Path

from nornir_tasks.checks.dmvpn_peers import mgre_peers
from nornir_tasks.models.crypto_session import CryptoSession, CryptoSessionTable
from nornir_tasks.models.dmvpn import DmvpnTable
from nornir_tasks.parsers import parse

GOLDEN = Path(__file__).parents[1] / "golden"


def table(folder: str) -> DmvpnTable:
    parsed = parse("show dmvpn detail", (GOLDEN / folder / "raw.txt").read_text())
    assert isinstance(parsed, DmvpnTable)
    return parsed


def sessions(*peers: str, interface: str = "Tunnel0") -> CryptoSessionTable:
    return CryptoSessionTable(tuple(CryptoSession(interface, peer=p) for p in peers), True)


def test_a_spoke_triages_its_server_and_its_up_shortcuts() -> None:
    spoke = table("code_iosxe_dmvpn_detail_spoke_ikev2_three_peers")
    found = mgre_peers([spoke], [sessions("1.1.1.1", "9.9.9.9")], "Tunnel0")
    assert found is not None and not found.hub
    assert found.servers == ("1.1.1.1",)  # the S row; its I2 (temporary) twin is no peer
    assert found.dynamic == ("2.2.2.2", "3.3.3.3")  # spoke-to-spoke, both UP
    assert found.sockets == ()  # a spoke's sockets without a row are not its tunnels here
    assert found.peers == ("1.1.1.1", "2.2.2.2", "3.3.3.3")


def test_a_hub_triages_every_spoke_and_every_socket() -> None:
    hub = table("code_ios_dmvpn_detail_hub_spoke_nhrp_groups")  # Type:Hub/Spoke
    crypto = sessions("58.169.1.4", "58.169.1.9", interface="Tunnel501")
    found = mgre_peers([hub], [crypto, sessions("7.7.7.7", interface="Tunnel9")], "Tunnel501")
    assert found is not None and found.hub
    assert found.servers == ("58.169.1.2",)
    assert found.dynamic == ("58.169.1.4", "58.169.1.3")
    # a spoke whose registration the hub refused has a socket and no NHRP row
    assert found.sockets == ("58.169.1.9",)


def test_an_interface_show_dmvpn_does_not_list_is_none() -> None:
    assert mgre_peers([table("code_ios_dmvpn_detail_hub_spoke_nhrp_groups")], [], "Tunnel1") is None
