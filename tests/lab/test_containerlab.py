"""The containerlab export: a topology containerlab can deploy, configs the image accepts by name,
an inventory Nornir loads, and the shipped copy under lab/containerlab/default/ kept current."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from nornir import InitNornir

from lab.containerlab import (
    INTERNET,
    KIND,
    MGMT_SUBNET,
    export_files,
    image_interface,
)
from lab.scenario import Link, Router, Scenario, load_scenario
from nornir_tasks.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = "lab/containerlab/default"
TOPOLOGY = "vpndiag-default.clab.yml"
DEFAULT = load_scenario("default")


def _topology(files: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(files[TOPOLOGY])
    return data


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return export_files(DEFAULT, f"{SHIPPED}/inventory")


def test_shipped_export_equals_a_fresh_generation(files: dict[str, str]) -> None:
    shipped = ROOT / SHIPPED
    on_disk = {p.relative_to(shipped).as_posix() for p in shipped.rglob("*") if p.is_file()}
    assert on_disk == set(files), "regenerate: vpndiag lab clab-export lab/containerlab/default"
    for name, text in files.items():
        assert (shipped / name).read_bytes() == text.encode(), name


def test_generation_is_reproducible(files: dict[str, str]) -> None:
    assert export_files(load_scenario("default"), f"{SHIPPED}/inventory") == files


def test_every_router_is_a_c8000v_node_with_its_startup_config(files: dict[str, str]) -> None:
    nodes = _topology(files)["topology"]["nodes"]
    for router in DEFAULT.routers:
        node = nodes[router.name]
        assert node["kind"] == KIND
        config = files[node["startup-config"]]
        assert f"\nhostname {router.name}\n" in config
        assert re.search(r"^crypto map VPN \d+ ipsec-isakmp$", config, re.MULTILINE)


def test_link_endpoints_name_existing_nodes_and_each_port_once(files: dict[str, str]) -> None:
    topo = _topology(files)["topology"]
    ends = [e for link in topo["links"] for e in link["endpoints"]]
    assert all(len(link["endpoints"]) == 2 for link in topo["links"])
    assert {e.split(":")[0] for e in ends} <= set(topo["nodes"])
    assert len(ends) == len(set(ends))
    # vrnetlab reserves GigabitEthernet1 for management: a link on it fails to deploy
    assert not [e for e in ends if e.endswith(":GigabitEthernet1")]


def test_interfaces_shift_by_one_everywhere_in_the_config(files: dict[str, str]) -> None:
    config = files["configs/BR12.cfg"]
    assert "icmp-echo 8.8.8.8 source-interface GigabitEthernet2" in config
    assert "ip route 8.8.8.8 255.255.255.255 GigabitEthernet2 203.0.113.49" in config
    assert "interface GigabitEthernet4\n description ISP2" in config
    assert "interface GigabitEthernet1\n" not in config


@pytest.mark.parametrize(
    ("simulator", "image"),
    [
        ("GigabitEthernet1", "GigabitEthernet2"),
        ("Gi3.100", "Gi4.100"),
        ("GigabitEthernet0/0/1", "GigabitEthernet0/0/1"),
        ("Loopback0", "Loopback0"),
    ],
)
def test_image_interface(simulator: str, image: str) -> None:
    assert image_interface(simulator) == image


def test_interfaces_come_up_unless_the_scenario_shuts_them(files: dict[str, str]) -> None:
    sections = re.findall(r"^interface .*\n(?: .*\n)*", files["configs/HQ.cfg"], re.MULTILINE)
    assert len(sections) == 2
    assert all(s.endswith(" no shutdown\n") for s in sections)


def test_no_credentials_or_keys_beyond_the_scenario(files: dict[str, str]) -> None:
    scenario_keys = {
        line for r in DEFAULT.routers for line in r.config.splitlines() if "isakmp key" in line
    }
    for name, text in files.items():
        assert not re.search(r"password|secret|^username ", text, re.MULTILINE), name
        keys = {line for line in text.splitlines() if "isakmp key" in line}
        assert keys <= scenario_keys, name


def test_internet_holds_every_routers_next_hop_and_probe_target(files: dict[str, str]) -> None:
    internet = "\n".join(_topology(files)["topology"]["nodes"][INTERNET]["exec"])
    hops = [
        line.split()[4]
        for r in DEFAULT.routers
        for line in r.config.splitlines()
        if line.startswith("ip route 0.0.0.0 0.0.0.0 ")
    ]
    assert len(hops) == len(DEFAULT.routers) + 1  # BR12 has two ISPs
    for hop in hops:
        assert f"ip address add {hop}/30 dev eth" in internet
    assert "ip address add 8.8.8.8/32 dev lo" in internet


def test_inventory_loads_with_clab_names_and_management_addresses(
    files: dict[str, str], tmp_path: Path
) -> None:
    for name, text in files.items():
        if name.startswith("inventory/"):
            (tmp_path / Path(name).name).write_text(text)
    config = tmp_path / "config.yaml"
    config.write_text(files["inventory/config.yaml"].replace(f"{SHIPPED}/inventory", str(tmp_path)))
    nr = InitNornir(config_file=str(config))
    nodes = _topology(files)["topology"]["nodes"]
    assert set(nr.inventory.hosts) == {f"clab-vpndiag-default-{r.name}" for r in DEFAULT.routers}
    for host in nr.inventory.hosts.values():
        assert host.platform == "ios"
        assert host.hostname == nodes[host.data["lab_node"]]["mgmt-ipv4"]
        assert host.hostname in {str(a) for a in MGMT_SUBNET.hosts()}
        assert host.password is None
        assert host.data.get("hub", "clab-vpndiag-default-HQ") in nr.inventory.hosts
    assert "dual_isp" in [g.name for g in nr.inventory.hosts["clab-vpndiag-default-BR12"].groups]


def test_routers_wired_by_the_scenario_are_joined_directly() -> None:
    config = "hostname {0}\ninterface GigabitEthernet1\n ip address {1} 255.255.255.252\n"
    scenario = Scenario(
        name="pair",
        routers=[
            Router(name="A", config=config.format("A", "10.9.9.1")),
            Router(name="B", config=config.format("B", "10.9.9.2")),
        ],
        links=[Link(a="A", a_if="GigabitEthernet1", b="B", b_if="GigabitEthernet1")],
    )
    links = yaml.safe_load(export_files(scenario, "x")["vpndiag-pair.clab.yml"])["topology"][
        "links"
    ]
    assert links == [{"endpoints": ["A:GigabitEthernet2", "B:GigabitEthernet2"]}]


def test_cli_writes_the_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clab"
    assert main(["lab", "clab-export", "--scenario", "default", str(out)]) == 0
    expected = export_files(DEFAULT, (out / "inventory").as_posix())
    written = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*") if p.is_file()}
    assert written == expected
    assert "sudo containerlab deploy -t" in capsys.readouterr().out


def test_cli_unknown_scenario_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lab", "clab-export", "--scenario", "nope", str(tmp_path)]) == 3
    assert "no such scenario" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_simulated_asas_are_left_out_and_said_so() -> None:
    files = export_files(load_scenario("asa"), "inventory")
    topo = yaml.safe_load(files["vpndiag-asa.clab.yml"])
    assert set(topo["topology"]["nodes"]) >= {"AHUB"}
    assert not any(name.startswith("ASA") for name in topo["topology"]["nodes"])
    assert not any(path.startswith("configs/ASA") for path in files)
    assert (
        "Left out, simulated ASAs (no ASAv node in this export): ASA1, ASA2"
        in files["vpndiag-asa.clab.yml"]
    )
