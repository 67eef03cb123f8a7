"""A lab scenario as a containerlab topology of real IOS-XE routers (pure: scenario in, files out).

The simulator needs no images; this export is for users who have a vrnetlab-built
Catalyst 8000V image. Each scenario router becomes a ``cisco_c8000v`` node (the older
``cisco_csr1000v`` kind takes the same files: set ``KIND`` and ``ROUTER_IMAGE``). The
underlay of ``lab.network`` is rebuilt from Linux containers:

- ``internet``: one container routing between every internet-facing interface (a public
  address, as ``lab.network`` decides). It holds each router's next hop (the other address of
  the router's WAN subnet) and, on its loopback, the probe targets of ``ip sla`` (8.8.8.8).
- ``<router>-lan``: one host on each private interface, to source interesting traffic.
- scenario ``links``: a direct wire between the two router interfaces.

vrnetlab keeps ``GigabitEthernet1`` for containerlab's management network, so the simulator's
``GigabitEthernetN`` is ``GigabitEthernet<N+1>`` here, in every line of the configuration.
Nothing is added that carries a secret: the routers keep the image's own login (admin/admin).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

import yaml

from lab.configtree import ConfigTree
from lab.network import is_private
from lab.routing import Interface, interfaces
from lab.scenario import Router, Scenario

KIND = "cisco_c8000v"
ROUTER_IMAGE = "vrnetlab/cisco_c8000v:17.11.01a"
HOST_IMAGE = "ghcr.io/srl-labs/network-multitool"
INTERNET = "internet"
MGMT_NETWORK = "vpndiag-clab"
MGMT_SUBNET = ipaddress.IPv4Network("172.30.30.0/24")
_FIRST_ROUTER_ADDRESS = 11  # .1 is the bridge, .2 the internet node

# "GigabitEthernet1", "Gi1", "GigabitEthernet1.100"; not slot/port names ("Gi0/0/1").
_GIG = re.compile(r"\b(GigabitEthernet|Gi)(\d+)\b(?![/:])")
#  icmp-echo 8.8.8.8 source-interface GigabitEthernet1
_ICMP_ECHO = re.compile(r"^\s*icmp-echo (\d+\.\d+\.\d+\.\d+)", re.MULTILINE)


@dataclass(frozen=True)
class Wire:
    """One containerlab link: ``node:interface`` at each end."""

    a: str
    a_if: str
    b: str
    b_if: str

    def endpoints(self) -> list[str]:
        return [f"{self.a}:{self.a_if}", f"{self.b}:{self.b_if}"]


def lab_name(scenario: Scenario) -> str:
    return f"vpndiag-{scenario.name}"


def container_name(scenario: Scenario, node: str) -> str:
    """The name containerlab gives a node's container (and its /etc/hosts entry)."""
    return f"clab-{lab_name(scenario)}-{node}"


def image_interface(name: str) -> str:
    """The simulator's interface name on the image: Gi1 is management, data starts at Gi2."""
    return _GIG.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", name)


def startup_config(scenario: Scenario, router: Router) -> str:
    """The scenario configuration, renamed for the image; interfaces brought up."""
    header = (
        f"! {router.name}: scenario '{scenario.name}', written by `vpndiag lab clab-export`.\n"
        "! Applied on top of the image's bootstrap (admin user, GigabitEthernet1 = management).\n"
        "! Simulator GigabitEthernetN is GigabitEthernet<N+1> here.\n"
    )
    return header + "\n".join(_with_no_shutdown(image_interface(router.config).splitlines())) + "\n"


def _with_no_shutdown(lines: list[str]) -> list[str]:
    """Add ``no shutdown`` to interface sections: data ports of the image boot shut down."""
    out: list[str] = []
    in_interface = shut = False
    for line in [*lines, ""]:
        if not line.startswith(" "):
            if in_interface and not shut:
                out.append(" no shutdown")
            in_interface, shut = line.startswith("interface "), False
        shut = shut or line.strip() == "shutdown"
        out.append(line)
    return out[:-1]


def _router_interfaces(router: Router) -> list[Interface]:
    return interfaces(ConfigTree.from_text(router.config))


def _isp_address(itf: Interface) -> ipaddress.IPv4Interface:
    """The router's next hop on a WAN subnet: the other usable address (a /30 has one)."""
    assert itf.network is not None
    hop = next(h for h in itf.network.hosts() if h != itf.address)
    return ipaddress.IPv4Interface(f"{hop}/{itf.network.prefixlen}")


def _lan_host_address(itf: Interface) -> ipaddress.IPv4Interface:
    """The LAN host's address: .100 of the LAN when free, otherwise the last free one."""
    assert itf.network is not None
    hosts = [h for h in itf.network.hosts() if h != itf.address]
    wanted = itf.network.network_address + 100
    hop = wanted if wanted in hosts else hosts[-1]
    return ipaddress.IPv4Interface(f"{hop}/{itf.network.prefixlen}")


@dataclass(frozen=True)
class Underlay:
    wires: list[Wire]
    internet_exec: list[str]
    lan_hosts: dict[str, list[str]]  # node name -> exec commands


def underlay(scenario: Scenario) -> Underlay:
    """Wires and Linux-side addressing that join the routers as ``lab.network`` does."""
    direct = {(link.a, link.a_if) for link in scenario.links}
    direct |= {(link.b, link.b_if) for link in scenario.links}
    wires = [
        Wire(k.a, image_interface(k.a_if), k.b, image_interface(k.b_if)) for k in scenario.links
    ]
    internet_exec: list[str] = []
    lan_hosts: dict[str, list[str]] = {}
    for router in scenario.routers:
        for itf in _router_interfaces(router):
            if itf.address is None or (router.name, itf.name) in direct:
                continue
            local = image_interface(itf.name)
            if is_private(itf.address):
                host = f"{router.name}-lan"
                host += (
                    str(sum(h.startswith(host) for h in lan_hosts) + 1) if host in lan_hosts else ""
                )
                wires.append(Wire(router.name, local, host, "eth1"))
                lan_hosts[host] = _lan_host_exec(itf)
                continue
            eth = f"eth{sum(w.a == INTERNET for w in wires) + 1}"
            wires.append(Wire(INTERNET, eth, router.name, local))
            internet_exec += [
                f"ip address add {_isp_address(itf)} dev {eth}",
                f"ip link set dev {eth} alias {router.name}-{local}",
            ]
    targets = sorted({t for r in scenario.routers for t in _ICMP_ECHO.findall(r.config)})
    internet_exec += [f"ip address add {t}/32 dev lo" for t in targets]
    return Underlay(wires, internet_exec, lan_hosts)


def _lan_host_exec(itf: Interface) -> list[str]:
    # eth0 keeps the management default route; private destinations go to the router.
    return [f"ip address add {_lan_host_address(itf)} dev eth1"] + [
        f"ip route add {net} via {itf.address}"
        for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
    ]


def mgmt_addresses(scenario: Scenario, lan_hosts: list[str]) -> dict[str, str]:
    """Static management addresses: the inventory can name them before the lab runs."""
    names = [r.name for r in scenario.routers] + lan_hosts
    if _FIRST_ROUTER_ADDRESS + len(names) > MGMT_SUBNET.num_addresses - 1:
        raise ValueError(f"{len(names)} nodes do not fit the management subnet {MGMT_SUBNET}")
    base = MGMT_SUBNET.network_address
    found = {INTERNET: str(base + 2)}
    found.update({n: str(base + _FIRST_ROUTER_ADDRESS + i) for i, n in enumerate(names)})
    return found


def topology(scenario: Scenario) -> dict[str, Any]:
    """The containerlab topology (``*.clab.yml``) as data."""
    under = underlay(scenario)
    mgmt = mgmt_addresses(scenario, list(under.lan_hosts))
    nodes: dict[str, Any] = {
        r.name: {
            "kind": KIND,
            "startup-config": f"configs/{r.name}.cfg",
            "mgmt-ipv4": mgmt[r.name],
            "labels": {"vpndiag-role": r.role},
        }
        for r in scenario.routers
    }
    nodes[INTERNET] = {
        "kind": "linux",
        "mgmt-ipv4": mgmt[INTERNET],
        "sysctls": {"net.ipv4.ip_forward": 1},
        "exec": under.internet_exec,
    }
    for host in under.lan_hosts:
        nodes[host] = {"kind": "linux", "mgmt-ipv4": mgmt[host], "exec": under.lan_hosts[host]}
    return {
        "name": lab_name(scenario),
        "mgmt": {"network": MGMT_NETWORK, "ipv4-subnet": str(MGMT_SUBNET)},
        "topology": {
            "kinds": {KIND: {"image": ROUTER_IMAGE}, "linux": {"image": HOST_IMAGE}},
            "nodes": nodes,
            "links": [{"endpoints": w.endpoints()} for w in under.wires],
        },
    }


def _connection_options() -> dict[str, Any]:
    # A VM router answers slower than the simulator; napalm copies configs to bootflash:.
    return {
        "netmiko": {"extras": {"fast_cli": False, "read_timeout_override": 60}},
        "napalm": {"extras": {"optional_args": {"dest_file_system": "bootflash:"}}},
    }


def inventory(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Nornir SimpleInventory data: hosts named as containerlab names the containers."""
    mgmt = mgmt_addresses(scenario, list(underlay(scenario).lan_hosts))
    on_path = _path_fault_routers(scenario)
    hosts: dict[str, Any] = {}
    for router in scenario.routers:
        data: dict[str, Any] = {"role": router.role, "lab_node": router.name, **router.data}
        if isinstance(data.get("hub"), str):
            data["hub"] = container_name(scenario, data["hub"])  # triage finds the hub by name
        if router.name in on_path:
            data["clab_note"] = "the simulator's path fault is not injected here: docs/lab.md"
        hosts[container_name(scenario, router.name)] = {
            "hostname": mgmt[router.name],
            "platform": "ios",
            "groups": ["clab", *router.groups],
            "data": data,
        }
    names = sorted({g for r in scenario.routers for g in r.groups})
    groups: dict[str, Any] = {"clab": {"data": {"clab_lab": lab_name(scenario)}}}
    groups.update({g: {"data": {"scenario_group": g}} for g in names})
    return {
        "hosts": hosts,
        "groups": groups,
        "defaults": {"connection_options": _connection_options()},
    }


def _path_fault_routers(scenario: Scenario) -> set[str]:
    """Routers named by a fault of the simulated underlay (containerlab does not inject them)."""
    return {n for f in scenario.faults for n in (f.router, f.src, f.dst, f.peer) if n}


def _inventory_config(inventory_dir: str) -> dict[str, Any]:
    return {
        "inventory": {
            "plugin": "SimpleInventory",
            "options": {
                "host_file": f"{inventory_dir}/hosts.yaml",
                "group_file": f"{inventory_dir}/groups.yaml",
                "defaults_file": f"{inventory_dir}/defaults.yaml",
            },
            "transform_function": "vpndiag_credentials",
        },
        "runner": {"plugin": "threaded", "options": {"num_workers": 20}},
        "logging": {"enabled": False},
    }


def _yaml(header: str, data: dict[str, Any]) -> str:
    return header + "---\n" + yaml.safe_dump(data, sort_keys=False, width=100)


def export_files(scenario: Scenario, inventory_dir: str) -> dict[str, str]:
    """Every file of the export, by path relative to the output directory.

    ``inventory_dir`` is how ``config.yaml`` names the inventory files (SimpleInventory reads
    them relative to the working directory, not to ``config.yaml``).
    """
    topo_name = f"{lab_name(scenario)}.clab.yml"
    header = (
        f"# containerlab export of the vpndiag lab scenario '{scenario.name}'"
        " (`vpndiag lab clab-export`; see docs/lab.md).\n"
    )
    asas = [r.name for r in scenario.routers if r.platform == "asa"]
    if asas:  # the export builds IOS-XE nodes only; an ASAv image is not part of it
        header += f"# Left out, simulated ASAs (no ASAv node in this export): {', '.join(asas)}.\n"
        kept = [r for r in scenario.routers if r.platform != "asa"]
        faults = [f for f in scenario.faults if f.router not in asas and f.src not in asas]
        scenario = scenario.model_copy(update={"routers": kept, "faults": faults})
    inv_header = header + (
        f"# Deploy with `sudo containerlab deploy -t {topo_name}`. No credentials here: export\n"
        "# VPNDIAG_USERNAME / VPNDIAG_PASSWORD (the image's own login is admin / admin).\n"
    )
    files = {topo_name: _yaml(header, topology(scenario))}
    files.update({f"configs/{r.name}.cfg": startup_config(scenario, r) for r in scenario.routers})
    for name, content in inventory(scenario).items():
        files[f"inventory/{name}.yaml"] = _yaml(inv_header, content)
    files["inventory/config.yaml"] = _yaml(inv_header, _inventory_config(inventory_dir))
    return files
