"""napalm's ios driver, unmodified, against the lab: getters and the full config cycles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lab.fleet import Fleet

pytestmark = pytest.mark.lab


def _driver(fleet: Fleet, name: str) -> Any:
    # napalm is imported here, not at the top: every xdist worker imports every test module
    # to collect it, and napalm (with its junos/nxos/eos drivers) is ~0.35 s of CPU.
    from napalm import get_network_driver

    c = fleet.connection(name)
    driver = get_network_driver("ios")(
        c["host"],
        c["username"],
        c["password"],
        optional_args={"port": c["port"], "secret": c["secret"]},
    )
    driver.open()
    return driver


@pytest.fixture()
def br02(fresh_lab: Fleet) -> Iterator[Any]:
    driver = _driver(fresh_lab, "BR02")
    yield driver
    driver.close()


def _running(fleet: Fleet, name: str) -> str:
    """Running config without "file prompt quiet", which napalm adds and leaves by design."""
    text = fleet.call(lambda: fleet.device(name).running.render_body())
    return text.replace("!\nfile prompt quiet\n", "")


def test_getters(lab: Fleet) -> None:
    driver = _driver(lab, "HQ")
    facts = driver.get_facts()
    assert facts["hostname"] == "HQ"
    assert facts["vendor"] == "Cisco"
    assert facts["model"] == "C8000V"
    assert facts["fqdn"] == "HQ.lab.vpndiag.test"
    assert "Version 17.9.4a" in facts["os_version"]
    assert facts["interface_list"] == ["GigabitEthernet1", "GigabitEthernet2"]
    interfaces = driver.get_interfaces()
    assert interfaces["GigabitEthernet1"]["description"] == "ISP-A"
    assert interfaces["GigabitEthernet1"]["is_up"] is True
    config = driver.get_config()
    assert "crypto map VPN 120 ipsec-isakmp" in config["running"]
    assert "hostname HQ" in config["startup"]
    assert not config["running"].startswith("Building configuration")
    driver.close()


def test_merge_compare_commit_rollback(fresh_lab: Fleet, br02: Any) -> None:
    before = _running(fresh_lab, "BR02")
    br02.load_merge_candidate(
        config="interface Loopback9\n description napalm\n ip address 9.9.9.9 255.255.255.255\nend\n"
    )
    diff = br02.compare_config()
    assert diff.splitlines() == [
        "+interface Loopback9",
        "+ description napalm",
        "+ ip address 9.9.9.9 255.255.255.255",
    ]
    assert _running(fresh_lab, "BR02") == before  # compare changes nothing
    br02.commit_config()
    assert "interface Loopback9" in _running(fresh_lab, "BR02")
    assert "Loopback9" in fresh_lab.call(lambda: fresh_lab.device("BR02").startup_config)
    br02.load_merge_candidate(config="interface Loopback9\n description napalm\nend\n")
    assert br02.compare_config() == ""  # merging what is there changes nothing
    br02.rollback()
    assert _running(fresh_lab, "BR02") == before


def test_replace_with_revert_in_then_confirm(fresh_lab: Fleet, br02: Any) -> None:
    running = br02.get_config()["running"]
    br02.load_replace_candidate(config=running.replace("description LAN", "description CORE"))
    assert br02.compare_config().splitlines() == [
        "interface GigabitEthernet2",
        " -description LAN",
        " +description CORE",
    ]
    br02.commit_config(revert_in=120)
    assert br02.has_pending_commit()
    br02.confirm_commit()
    assert not br02.has_pending_commit()
    fresh_lab.advance(300)
    assert "description CORE" in _running(fresh_lab, "BR02")


def test_revert_timer_expiry_restores_the_old_config(fresh_lab: Fleet, br02: Any) -> None:
    before = _running(fresh_lab, "BR02")
    br02.load_merge_candidate(config="interface Loopback7\n description revert me\nend\n")
    br02.commit_config(revert_in=60)
    assert "Loopback7" in _running(fresh_lab, "BR02")
    fresh_lab.advance(61)
    assert _running(fresh_lab, "BR02") == before
    assert not br02.has_pending_commit()


def test_replace_and_revert_need_archive_like_a_real_router(fresh_lab: Fleet) -> None:
    fresh_lab.call(lambda: fresh_lab.device("BR06").running.remove_global("archive"))
    driver = _driver(fresh_lab, "BR06")
    from napalm.base.exceptions import CommitConfirmException, ReplaceConfigException

    running = driver.get_config()["running"]
    driver.load_replace_candidate(config=running + "\ninterface Loopback3\n")
    with pytest.raises(ReplaceConfigException):
        driver.commit_config()
    driver.load_merge_candidate(config="interface Loopback3\nend\n")
    with pytest.raises(CommitConfirmException):
        driver.commit_config(revert_in=60)
    driver.close()


def test_merge_without_scp_server_is_refused(fresh_lab: Fleet) -> None:
    fresh_lab.call(lambda: fresh_lab.device("BR07").running.remove_global("ip scp server enable"))
    driver = _driver(fresh_lab, "BR07")
    with pytest.raises(Exception, match="SCP"):
        driver.load_merge_candidate(config="interface Loopback3\nend\n")
    driver.close()
