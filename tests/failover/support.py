"""The failover lab: HQ and BR12 only, BR12 before failover was configured, and its spec."""

from __future__ import annotations

import re
from pathlib import Path

from nornir import InitNornir
from nornir.core import Nornir

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.network import Fault, FaultKind
from lab.scenario import Scenario, load_scenario
from nornir_tasks.failover.spec import FailoverSpec

ISP1_DOWN = Fault(FaultKind.ISP_DOWN, router="BR12", interface="GigabitEthernet1")
SPEC = FailoverSpec.model_validate(
    {
        "primary": {"interface": "GigabitEthernet1", "next_hop": "203.0.113.49"},
        "backup": {"interface": "GigabitEthernet3", "next_hop": "192.0.2.1"},
        "probes": [{"id": 10, "target": "8.8.8.8"}],
        "track": {"id": 10, "delay_down_s": 15, "delay_up_s": 60},
        "eem": {"clear_nat": True},
        "crypto_map": "VPN",
    }
)
# BR12's failover block in the default scenario, from "ip sla 10" to the last applet line
_FAILOVER_BLOCK = re.compile(r"ip sla 10\n.*?clear ip nat translation \*\"\n(?=!)", re.S)


def scenario(hub_accepts_backup: bool) -> Scenario:
    """HQ and a BR12 with one default route via ISP1 and no SLA, track or EEM yet."""
    base = load_scenario("default")
    routers = []
    for router in base.routers:
        if router.name == "BR12":
            config = _FAILOVER_BLOCK.sub("ip route 0.0.0.0 0.0.0.0 203.0.113.49\n", router.config)
            assert "ip sla" not in config and "applet" not in config
            router = router.model_copy(update={"config": config})
        elif router.name == "HQ" and hub_accepts_backup:
            config = router.config.replace(
                "crypto isakmp key Br12-Psk-7x address 203.0.113.50\n",
                "crypto isakmp key Br12-Psk-7x address 203.0.113.50\n"
                "crypto isakmp key Br12-Psk-7x address 192.0.2.2\n",
            ).replace(" set peer 203.0.113.50\n", " set peer 203.0.113.50\n set peer 192.0.2.2\n")
            router = router.model_copy(update={"config": config})
        elif router.name != "HQ":
            continue
        routers.append(router)
    return base.model_copy(update={"routers": routers, "faults": []})


def nornir_for(fleet: Fleet, directory: Path) -> Nornir:
    return InitNornir(config_file=str(write_inventory(fleet, directory)))


def running(fleet: Fleet, name: str = "BR12") -> str:
    """The running configuration body as the router holds it (byte for byte)."""
    return fleet.call(lambda: fleet.device(name).running.render_body())


def pending_revert(fleet: Fleet, name: str = "BR12") -> bool:
    return fleet.call(lambda: fleet.device(name).revert is not None)
