"""An ASA's command line without SSH: pager, error wording, configuration sub-modes, NAT reading."""

from __future__ import annotations

from pathlib import Path

from lab.asacrypto import read_asa_crypto
from lab.cli import CliSession
from lab.clock import SimClock
from lab.device import Device
from lab.scenario import load_scenario


def _asa(tmp_path: Path, name: str = "ASA1") -> Device:
    router = next(r for r in load_scenario("asa").routers if r.name == name)
    return Device(name, "u", "p", "s", router.config, tmp_path / "f", SimClock(), platform="asa")


def _typed(device: Device, *keys: str) -> str:
    written: list[str] = []
    session = CliSession(device, "u", "127.0.0.1", written.append, lambda: None)
    session.start()
    for key in keys:
        session.feed(key)
    return "".join(written).replace("\r\n", "\n")


def test_pager_shows_more_and_a_space_pages_on(tmp_path: Path) -> None:
    out = _typed(_asa(tmp_path), "enable\n", "s\n", "show running-config\n")
    assert out.count("<--- More --->") == 1
    assert out.splitlines()[-1] == "<--- More --->"
    more = _typed(_asa(tmp_path), "enable\n", "s\n", "show running-config\n", " ", "q")
    assert "\r              \r" in more and more.endswith("ASA1# ")
    off = _typed(_asa(tmp_path), "enable\n", "s\n", "terminal pager 0\n", "show running-config\n")
    assert "<--- More --->" not in off and ": end" in off


def test_error_wording_and_caret(tmp_path: Path) -> None:
    out = _typed(_asa(tmp_path), "enable\n", "s\n", "show crypto ipsex sa\n", "show crypto ipsec\n")
    lines = out.splitlines()
    at = lines.index("ERROR: % Invalid input detected at '^' marker.")
    assert lines[at - 1].index("^") == len("ASA1# show crypto ")
    assert "ERROR: % Incomplete command" in lines


def test_enable_asks_for_a_password_and_refuses_a_wrong_one(tmp_path: Path) -> None:
    out = _typed(_asa(tmp_path), "show crypto ipsec sa\n", "enable\n", "nope\n", "s\n")
    assert out.startswith("Type help or '?' for a list of available commands.\n")
    assert "ASA1> show crypto ipsec sa\n" in out and "ERROR: % Invalid input" in out
    assert "Password: \nInvalid password\nPassword: \nASA1# " in out


def test_config_sub_modes_prompts_and_exec_without_do(tmp_path: Path) -> None:
    device = _asa(tmp_path)
    out = _typed(
        device,
        "enable\n", "s\n", "configure terminal\n",
        "tunnel-group 192.0.2.9 ipsec-attributes\n", "ikev1 pre-shared-key Secret-9\n",
        "crypto ikev1 policy 20\n", "encryption aes\n", "exit\n",
        "show running-config tunnel-group\n",
    )  # fmt: skip
    assert "ASA1(config-tunnel-ipsec)# " in out and "ASA1(config-ikev1-policy)# " in out
    assert "tunnel-group 192.0.2.9 ipsec-attributes\n ikev1 pre-shared-key *****\n" in out
    assert "Secret-9" not in out.split("show running-config tunnel-group")[1]  # typed, not shown
    assert read_asa_crypto(device.running).keys["192.0.2.9"] == "Secret-9"
    log = "\n".join(device.log_buffer)
    assert "%ASA-5-111008: User 'u' executed the 'ikev1 pre-shared-key *****' command." in log
    assert "Secret-9" not in log and "show running-config" not in log  # show is not logged


def test_nat_exemption_decides_what_the_asa_encrypts(tmp_path: Path) -> None:
    healthy = read_asa_crypto(_asa(tmp_path / "1").running)
    missing = read_asa_crypto(_asa(tmp_path / "2", "ASA2").running)
    assert not healthy.nat_translates("10.31.0.1", "10.30.0.1")
    assert missing.nat_translates("10.32.0.1", "10.30.0.1")
    assert healthy.keys == {"198.51.100.194": "ASA1-Psk-7x"}
    misnamed = read_asa_crypto(_asa(tmp_path / "3", "ASA3").running)
    assert misnamed.keys == {}  # "tunnel-group HQ": a L2L key is found by address only


def test_debug_takes_asa_syntax_only(tmp_path: Path) -> None:
    device = _asa(tmp_path)
    out = _typed(
        device,
        "enable\n", "s\n",
        "debug crypto condition peer ipv4 198.51.100.194\n",  # IOS syntax
        "debug crypto isakmp\n",  # IOS before the ASA's 8.4 rename
        "debug crypto condition peer 198.51.100.194\n", "debug crypto ikev1 127\n",
    )  # fmt: skip
    assert out.count("ERROR: % Invalid input detected at '^' marker.") == 2
    assert device.debug_conditions == ["peer 198.51.100.194"]
    assert device.debugs == {"asa-ikev1"}
