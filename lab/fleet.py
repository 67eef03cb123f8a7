"""A running lab fleet: devices, their SSH listeners, the shared clock."""

from __future__ import annotations

import asyncio
import copy
import random
import shutil
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import asyncssh

from lab.cli import eem_session
from lab.clock import SimClock
from lab.crypto.engine import CryptoEngine
from lab.device import Device
from lab.failover import FailoverEngine
from lab.network import Fault, FaultKind, Network
from lab.nhrp import NhrpEngine
from lab.scenario import FaultSpec, Router, Scenario
from lab.server import LoopThread, listen, load_host_key, tick

T = TypeVar("T")

# A lab platform as netmiko and Nornir inventories name it.
NETMIKO_TYPES = {"ios-xe": "cisco_ios", "asa": "cisco_asa"}


class Subsystem(Protocol):
    """A simulated protocol family of the fleet (IKE/IPsec, IP SLA/track/EEM ...)."""

    def start(self) -> None: ...

    def faults_changed(self) -> None: ...


def fault_from_spec(spec: FaultSpec) -> Fault:
    return Fault(
        FaultKind(spec.kind),
        src=spec.src,
        dst=spec.dst,
        protocol=spec.protocol,
        router=spec.router,
        interface=spec.interface,
        peer=spec.peer,
        percent=spec.percent,
        mtu=spec.mtu,
        outside=spec.outside,
    )


def _sends_traffic(router: Router) -> bool:
    return router.role != "hub" if router.sends_traffic is None else router.sends_traffic


class Fleet:
    """Serve every router of ``scenario`` on 127.0.0.1, one port each."""

    def __init__(
        self,
        scenario: Scenario,
        workdir: Path | None = None,
        host: str = "127.0.0.1",
        base_port: int = 0,
        speed: float = 1.0,
    ) -> None:
        self.scenario = scenario
        self.host = host
        self.base_port = base_port
        self._own_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="vpndiag-lab-"))
        self.clock = SimClock(speed)
        self.devices: dict[str, Device] = {}
        self.ports: dict[str, int] = {}
        self._acceptors: list[asyncssh.SSHAcceptor] = []
        self._ticker: asyncio.Task[None] | None = None
        self._thread: LoopThread | None = None
        for router in scenario.routers:
            self.devices[router.name] = self._router(router)
        self.network = Network(
            self.devices,
            [fault_from_spec(f) for f in scenario.faults],
            random.Random(scenario.seed),
        )
        for device in self.devices.values():
            device.underlay, device.faults = self.network, self.network.faults
        self.subsystems: list[Subsystem] = []
        # Branch LANs send traffic to the far LAN; hubs answer it.
        sources = {r.name for r in scenario.routers if _sends_traffic(r)}
        crypto = CryptoEngine(self.clock, self.network, scenario.seed, sources)
        self.attach(crypto)
        self.attach(NhrpEngine(self.clock, self.network, crypto))
        self.attach(FailoverEngine(self.clock, self.network, eem_session))

    def _router(self, router: Router) -> Device:
        creds = self.scenario.credentials_of(router)
        device = Device(
            name=router.name,
            username=creds.username,
            password=creds.password,
            secret=creds.secret,
            startup_config=router.config,
            flash_dir=self.workdir / "flash" / router.name,
            clock=self.clock,
            legacy_ssh=router.legacy_ssh,
            platform=router.platform,
            model="ASAv" if router.platform == "asa" else "C8000V",
            serial=f"9{zlib.crc32(router.name.encode()):010X}",
        )
        device.quirks = copy.deepcopy(router.quirks)
        return device

    def attach(self, subsystem: Subsystem) -> None:
        """Add a simulated subsystem (IKE/IPsec, IP SLA/track/EEM); it starts with the fleet."""
        self.subsystems.append(subsystem)

    # -- faults ----------------------------------------------------------------------------
    def add_fault(self, fault: Fault) -> None:
        def apply() -> None:
            self.network.faults.append(fault)
            self._faults_changed()

        self.call(apply)

    def clear_faults(self) -> None:
        def apply() -> None:
            self.network.faults.clear()
            self._faults_changed()

        self.call(apply)

    def _faults_changed(self) -> None:
        for subsystem in self.subsystems:
            subsystem.faults_changed()

    # -- lifecycle -------------------------------------------------------------------------
    async def start_async(self, key_path: Path | None = None) -> None:
        key = load_host_key(key_path or self.workdir / "ssh_host_rsa_key")
        for i, (name, device) in enumerate(self.devices.items()):
            port = self.base_port + i if self.base_port else 0
            acceptor = await listen(device, self.host, port, key)
            self._acceptors.append(acceptor)
            self.ports[name] = acceptor.sockets[0].getsockname()[1]
        for subsystem in self.subsystems:
            subsystem.start()
        self._ticker = asyncio.get_running_loop().create_task(tick(self.clock))

    async def stop_async(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        for acceptor in self._acceptors:
            acceptor.close()
        for acceptor in self._acceptors:
            await acceptor.wait_closed()
        self._acceptors.clear()
        # Sessions still open (a client that never said "exit") end with the fleet.
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def start(self, key_path: Path | None = None) -> Fleet:
        """Run the fleet on a background thread of this process (tests, the demo)."""
        self._thread = LoopThread()
        self._thread.run(self.start_async(key_path))
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._thread.run(self.stop_async())
            self._thread.stop()
            self._thread = None
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Fleet:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- access for tests and the demo -----------------------------------------------------
    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the fleet's loop thread (device state is only touched there)."""
        if self._thread is None:
            return fn()
        return self._thread.call(fn)

    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward, firing timers on the loop thread."""
        self.call(lambda: self.clock.advance(seconds))

    def drop_sessions(self, name: str) -> None:
        """Close every SSH session of router ``name`` from the server side."""

        def drop() -> None:
            for close in list(self.devices[name].drop_hooks):
                close()

        self.call(drop)

    def device(self, name: str) -> Device:
        return self.devices[name]

    def connection(self, name: str) -> dict[str, Any]:
        """netmiko ``ConnectHandler`` arguments for router ``name``."""
        d = self.devices[name]
        return {
            "device_type": NETMIKO_TYPES[d.platform],
            "host": self.host,
            "port": self.ports[name],
            "username": d.username,
            "password": d.password,
            "secret": d.secret,
        }
