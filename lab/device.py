"""One simulated router: its configuration, flash, logging buffer, timers and protocol state.

What a router holds is typed here (its SA database, its failover records, the track states
its routing table reads); what it reaches beyond itself (the underlay, the crypto engine) is
described by two small Protocols that the fleet fills in, so this module imports no engine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lab.asacfg import load_asa_config
from lab.asalog import buffered_level
from lab.clock import DAYS, MONTHS, SimClock
from lab.configmode import load_config
from lab.configtree import ConfigTree
from lab.failoverstate import FailoverState
from lab.faults import Delivery, Fault, Proto
from lab.nhrpstate import NhrpState
from lab.sadb import CryptoState

T = TypeVar("T")


class Underlay(Protocol):
    """The network joining the routers (``lab.network.Network``), as a router's commands use it."""

    devices: dict[str, Device]
    faults: list[Fault]

    def send(
        self, src: Device, dst_ip: str, proto: Proto, src_ip: str | None = None
    ) -> Delivery | None: ...


class CryptoControl(Protocol):
    """What exec commands ask of the crypto engine (``lab.crypto.engine.CryptoEngine``)."""

    def sync(self) -> None: ...

    def clear_ipsec(self, device: Device, peer: str | None = None, notify: bool = True) -> None: ...

    def clear_peer(self, device: Device, peer: str, notify: bool = True) -> None: ...

    def clear_isakmp(self, device: Device) -> None: ...

    def ping_through(self, device: Device, dst: str, count: int) -> str: ...


@dataclass
class RevertTimer:
    """A pending ``configure terminal revert timer`` / ``configure replace ... timer``."""

    user: str
    minutes: int
    configured_at: str
    snapshot: str
    due: float
    cancel: Callable[[], None]


@dataclass
class Device:
    """State of one lab router. All mutation happens on the fleet's event-loop thread."""

    name: str
    username: str
    password: str
    secret: str
    startup_config: str
    flash_dir: Path
    clock: SimClock
    platform: str = "ios-xe"  # a ``lab.platform.PLATFORMS`` key: the CLI it speaks
    model: str = "C8000V"
    serial: str = "9ABCDEFGHIJ"
    legacy_ssh: bool = False
    log_buffer: list[str] = field(default_factory=list)
    monitors: list[Callable[[str], None]] = field(default_factory=list)
    debugs: set[str] = field(default_factory=set)
    debug_conditions: list[str] = field(default_factory=list)
    nhrp_conditions: list[str] = field(default_factory=list)  # "peer nbma X" (debug nhrp)
    revert: RevertTimer | None = None
    last_change: str = ""
    vty_counter: int = 0
    crypto: CryptoState = field(default_factory=CryptoState)
    failover: FailoverState = field(default_factory=FailoverState)
    nhrp: NhrpState = field(default_factory=NhrpState)  # DMVPN: cache, servers, sockets
    tracks: dict[int, bool] = field(default_factory=dict)  # track number -> up
    # The fleet's fault list, shared with its network and only changed in place.
    faults: list[Fault] = field(default_factory=list)
    quirks: dict[str, Any] = field(default_factory=dict)  # see ``lab.quirks``
    cpu: tuple[int, int, int] | None = None  # 5 s / 1 min / 5 min load, None: idle
    underlay: Underlay | None = None
    crypto_engine: CryptoControl | None = None
    drop_hooks: list[Callable[[], None]] = field(default_factory=list)
    refuse_until: float = 0.0  # time.monotonic() before which new SSH sessions are cut at once
    asp_cleared: tuple[float, str] | None = None  # an ASA's "clear asp drop": (count, when)
    _memo: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.flash_dir.mkdir(parents=True, exist_ok=True)
        self.running = self.load(self.startup_config)
        self.booted_at = self.clock.now()
        self.last_change = self.timestamp(long=True)
        self.save_startup()

    def load(self, text: str) -> ConfigTree:
        """A configuration file as this router's platform reads it."""
        if self.platform == "asa":
            return load_asa_config(text)
        return load_config(text)[0]

    # -- time ----------------------------------------------------------------------------
    def timestamp(self, long: bool = False) -> str:
        """``*Nov 26 10:00:01.123`` (log style) or ``10:00:01 UTC Thu Nov 26 2026``."""
        wall = self.clock.wall()
        t = time.gmtime(wall)
        ms = int((wall % 1) * 1000)
        if long:
            return f"{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02} UTC {DAYS[t.tm_wday]} {MONTHS[t.tm_mon - 1]} {t.tm_mday} {t.tm_year}"
        return f"*{MONTHS[t.tm_mon - 1]} {t.tm_mday:2} {t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02}.{ms:03}"

    def uptime(self) -> str:
        secs = int(self.clock.now() - self.booted_at) + 3720
        days, rem = divmod(secs, 86400)
        hours, rem = divmod(rem, 3600)
        minutes = rem // 60
        parts = [f"{days} day{'s' * (days != 1)}"] if days else []
        parts += [f"{hours} hour{'s' * (hours != 1)}"] if hours or days else []
        parts.append(f"{minutes} minute{'s' * (minutes != 1)}")
        return ", ".join(parts)

    def refuse_sessions(self, seconds: float) -> None:
        """Cut every new SSH session for ``seconds`` of real time (a vty ACL, a busy box)."""
        self.refuse_until = time.monotonic() + seconds

    def refusing(self) -> bool:
        return time.monotonic() < self.refuse_until

    # -- derived state -------------------------------------------------------------------
    def memo(self, name: str, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` cached until the configuration or ``key`` changes."""
        full = (self.running.fingerprint(), key)
        cached = self._memo.get(name)
        if cached is None or cached[0] != full:
            cached = (full, compute())
            self._memo[name] = cached
        result: T = cached[1]
        return result

    # -- logging -------------------------------------------------------------------------
    @property
    def hostname(self) -> str:
        return self.running.hostname()

    def log(self, message: str) -> None:
        """A syslog (``%FAC-SEV-MNEMONIC: text``) or debug line: buffer and monitors."""
        if self.platform != "asa":
            self.emit(f"{self.timestamp()}: {message}")
        elif message.startswith("%ASA-"):  # the engines' IOS messages: an ASA words its own
            level = buffered_level(self.running)  # None: no "logging enable"
            if level is not None and message[5:6].isdigit() and int(message[5]) <= level:
                self.emit(self.asa_stamp(syslog=True) + message)

    def asa_stamp(self, syslog: bool) -> str:
        """``Dec 04 2014 12:37:51: `` before a syslog (with ``logging timestamp``), ``Dec 19
        15:49:51 `` before a debug line, as the ASA captures in tests/golden print them."""
        t = time.gmtime(self.clock.wall())
        hms = f"{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02}"
        day = f"{MONTHS[t.tm_mon - 1]} {t.tm_mday:02}"
        if not syslog:
            return f"{day} {hms} "
        stamped = self.running.has_line("logging timestamp")
        return f"{day} {t.tm_year} {hms}: " if stamped else ""

    def emit(self, line: str) -> None:
        """A finished log line into the buffer and to every ``terminal monitor`` session."""
        self.log_buffer.append(line)
        del self.log_buffer[:-5000]
        for deliver in list(self.monitors):
            deliver(line)

    def config_changed(self, by: str, source: str) -> None:
        self.last_change = self.timestamp(long=True)
        if self.platform != "asa":  # no capture of the ASA's message for it: none is made up
            self.log(f"%SYS-5-CONFIG_I: Configured from {source} by {by}")

    # -- storage -------------------------------------------------------------------------
    def save_startup(self) -> None:
        self.startup_config = self.running.render_body()
        (self.flash_dir.parent / f"{self.flash_dir.name}.nvram").write_text(self.startup_config)

    def flash_path(self, name: str) -> Path:
        return self.flash_dir / name.lstrip("/")

    def has_archive(self) -> bool:
        return self.running.find_section("archive") is not None

    # -- the fleet around it ----------------------------------------------------------------
    def network(self) -> Underlay:
        if self.underlay is None:
            raise RuntimeError(f"{self.name} is not part of a fleet")
        return self.underlay

    def engine(self) -> CryptoControl:
        if self.crypto_engine is None:
            raise RuntimeError(f"{self.name} runs no crypto engine")
        return self.crypto_engine
