"""DMVPN: a spoke whose NHRP registration with its server fails, read from both ends.

A spoke's ``show dmvpn`` row toward a server (``S``) in state ``NHRP`` means the crypto socket
is up but no Registration Reply came back: IKE and IPsec are fine, NHRP is not. The hub at that
NBMA address says why, when it is in the run:

- its tunnel address is not the one the spoke registers with (``ip nhrp nhs`` names another
  server): the hub cannot forward the request, keeps an incomplete ``UNKNOWN ... IX`` entry and
  logs ``NHRP Encap Error`` -> ``NHRP_NHS_ADDRESS_WRONG``;
- it logs ``Recieved wrong authentication string`` (IOS's spelling) and the two configurations
  carry different ``ip nhrp authentication`` strings -> ``NHRP_AUTH_MISMATCH``;
- otherwise the cause is not in the state: ``NHRP_REGISTRATION_FAILED`` lists the candidates.

The network-id is never compared: it is local to each router and not carried in NHRP packets,
so a mismatch does not break registration (measured on iol-xe, docs/findings.md). A tunnel is
keyed by the spoke's interface and the server's NBMA address (``DmvpnPeer.key``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import LOGS, FleetEvidence, HostEvidence
from nornir_tasks.checks.model_names import DMVPN_TABLE
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.logs import LogStream

if TYPE_CHECKING:  # annotations only (looked up by name: ``model_names``)
    from nornir_tasks.models.dmvpn import DmvpnInterface, DmvpnPeer

DMVPN = ("show dmvpn*",)
CONFIG = ("show running-config",)


@dataclass(frozen=True)
class Stuck:
    """A spoke's server row stuck in NHRP, and the hub at its NBMA (if in the run)."""

    spoke: HostEvidence
    interface: DmvpnInterface
    row: DmvpnPeer
    hub: HostEvidence | None

    @property
    def nbma(self) -> str:
        return self.row.nbma or ""


def _stuck_rows(host: HostEvidence) -> Iterator[tuple[DmvpnInterface, DmvpnPeer]]:
    """Server rows (static) in state NHRP whose server does not respond."""
    for table in host.models(DMVPN_TABLE):
        from nornir_tasks.models.dmvpn import DmvpnState  # imported: a table is its model

        for itf in table.interfaces:
            silent = {n.address for n in itf.nhs if not n.responding}
            for row in itf.peers:
                if not row.static or row.state is not DmvpnState.NHRP or row.nbma is None:
                    continue
                if itf.nhs and row.tunnel_address not in silent:
                    continue
                yield itf, row


def stuck(host: HostEvidence, fleet: FleetEvidence) -> list[Stuck]:
    return [Stuck(host, i, r, fleet.owner_of(r.nbma)) for i, r in _stuck_rows(host)]


def _hub_interface(hub: HostEvidence, nbma: str) -> DmvpnInterface | None:
    """The hub's multipoint interface sourced from ``nbma`` (else its only one)."""
    found = [i for t in hub.models(DMVPN_TABLE) for i in t.interfaces]
    sourced = [i for i in found if (i.source or "").split("/")[0] == nbma]
    if len(sourced) == 1:
        return sourced[0]
    return found[0] if len(found) == 1 else None


def _raw_lines(host: HostEvidence, needs: tuple[str, ...], *words: str) -> list[str]:
    """The device's own lines (as printed) holding every one of ``words``."""
    out: list[str] = []
    for need in needs:
        for _, text in host.raw_of(need):
            out += [ln.rstrip() for ln in text.splitlines() if all(w in ln for w in words)]
    return out


def _log_lines(host: HostEvidence, *words: str) -> list[str]:
    return [
        e.line
        for s in host.models(LogStream)
        for e in s.events
        if e.facility == "DMVPN" and all(w in e.line for w in words)
    ]


def _first(lines: list[str]) -> list[str]:
    return lines[:1]


def _spoke_lines(s: Stuck) -> list[str]:
    row = s.row
    lines = _first(_raw_lines(s.spoke, DMVPN, row.nbma or "", row.tunnel_address, "NHRP"))
    lines += _first(_raw_lines(s.spoke, DMVPN, row.tunnel_address, "priority"))
    lines += _first(_log_lines(s.spoke, "NHRP_NHS_DOWN", row.tunnel_address))
    return lines


def _quote(hub: HostEvidence, lines: list[str]) -> list[str]:
    return [f"{hub.host}: {ln}" for ln in lines]


def _nhrp_auth(host: HostEvidence, interface: str) -> str | None:
    """``ip nhrp authentication`` of ``interface``, compared and never shown."""
    inside = False
    for _, text in host.raw_of("show running-config"):
        for line in text.splitlines():
            if not line.startswith(" "):
                inside = line.strip() == f"interface {interface}"
            elif inside and line.strip().startswith("ip nhrp authentication "):
                return line.split()[-1]
    return None


def _steps(s: Stuck, fix: str) -> tuple[str, ...]:
    hub = s.hub.host if s.hub else "the hub"
    return (
        fix,
        f"show dmvpn detail ; show ip nhrp nhs detail  (on {s.spoke.host}: the server turns RE)",
        f"show dmvpn detail ; show logging | include DMVPN|NHRP  (on {hub})",
    )


@check("NHRP_NHS_ADDRESS_WRONG", needs=DMVPN)
def nhs_address_wrong(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The spoke registers with a server address the hub at that NBMA does not have."""
    for s in stuck(host, fleet):
        hub_itf = _hub_interface(s.hub, s.nbma) if s.hub else None
        if s.hub is None or hub_itf is None or hub_itf.address in (None, s.row.tunnel_address):
            continue
        hub_lines = _first(_raw_lines(s.hub, DMVPN, f"Addr. is {hub_itf.address}"))
        hub_lines += _first(_log_lines(s.hub, "NHRP Encap Error", "Registration Request"))
        yield Finding(
            code="NHRP_NHS_ADDRESS_WRONG",
            severity=Severity.CRITICAL,
            host=host.host,
            peer=s.nbma,
            summary=(
                f"{s.interface.interface}: NHRP registration to {s.row.tunnel_address} "
                f"(NBMA {s.nbma}) fails: {s.hub.host}'s tunnel address is {hub_itf.address}"
            ),
            cause=(
                f"{host.host} names its server {s.row.tunnel_address} (ip nhrp nhs) at NBMA "
                f"{s.nbma}, but {s.hub.host}, the router at that NBMA, has tunnel address "
                f"{hub_itf.address} on {hub_itf.interface}. IPsec to the hub is up, so the "
                "Registration Request arrives; the hub cannot forward a request for another "
                "server nor send an Error Indication back to an unregistered spoke, and drops "
                "it: the spoke never registers and no traffic or shortcut reaches it."
            ),
            evidence=(*_spoke_lines(s), *_quote(s.hub, hub_lines)),
            next_steps=_steps(
                s,
                f"on {host.host}: interface {s.interface.interface} / no ip nhrp nhs "
                f"{s.row.tunnel_address} / ip nhrp nhs {hub_itf.address} nbma {s.nbma} multicast",
            ),
            step=Step.CONFIG,
            source=Source.STATE,
        )


def _auth_differs(s: Stuck) -> bool | None:
    """True: the strings differ; False: equal; None: a configuration was not read."""
    if s.hub is None:
        return None
    hub_itf = _hub_interface(s.hub, s.nbma)
    mine = _nhrp_auth(s.spoke, s.interface.interface)
    theirs = _nhrp_auth(s.hub, hub_itf.interface) if hub_itf else None
    if not s.spoke.raw_of("show running-config") or not s.hub.raw_of("show running-config"):
        return None
    return mine != theirs


@check("NHRP_AUTH_MISMATCH", needs=DMVPN + LOGS)
def auth_mismatch(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The hub refuses the registration for its authentication string."""
    for s in stuck(host, fleet):
        hub_log = _log_lines(s.hub, "wrong authentication string") if s.hub else []
        differs = _auth_differs(s)
        if s.hub is None or not hub_log or differs is False:
            continue
        compared = (
            "the two running configurations carry different ip nhrp authentication strings "
            "(compared, not shown)"
            if differs
            else "the configurations were not both read, so the strings were not compared"
        )
        yield Finding(
            code="NHRP_AUTH_MISMATCH",
            severity=Severity.CRITICAL,
            host=host.host,
            peer=s.nbma,
            summary=(
                f"{s.interface.interface}: {s.hub.host} refuses NHRP registration: "
                "authentication string mismatch"
            ),
            cause=(
                f"IPsec between {host.host} and {s.hub.host} is up and the Registration "
                f"Request arrives, but {s.hub.host} logs a wrong authentication string for it "
                f"and does not reply; {compared}. The other spokes register with "
                f"{s.hub.host}'s string, so {host.host}'s is the one to change."
            ),
            evidence=(*_spoke_lines(s), *_quote(s.hub, hub_log[:1])),
            next_steps=_steps(
                s,
                f"on {host.host}: interface {s.interface.interface} / ip nhrp authentication "
                f"<the string of {s.hub.host}> (at most 8 characters)",
            ),
            step=Step.CONFIG,
            source=Source.LOG,
        )


def _explained(s: Stuck) -> bool:
    if s.hub is None:
        return False
    hub_itf = _hub_interface(s.hub, s.nbma)
    wrong_nhs = hub_itf is not None and hub_itf.address not in (None, s.row.tunnel_address)
    auth = bool(_log_lines(s.hub, "wrong authentication string")) and _auth_differs(s) is not False
    return wrong_nhs or auth


@check("NHRP_REGISTRATION_FAILED", needs=DMVPN)
def registration_failed(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A server row stuck in NHRP that neither end explains further."""
    for s in stuck(host, fleet):
        if _explained(s):
            continue
        where = (
            f"{s.hub.host} is in the run but says nothing" if s.hub else "the hub is not in the run"
        )
        yield Finding(
            code="NHRP_REGISTRATION_FAILED",
            severity=Severity.CRITICAL,
            host=host.host,
            peer=s.nbma,
            summary=(
                f"{s.interface.interface}: NHRP registration to {s.row.tunnel_address} "
                f"(NBMA {s.nbma}) is not answered"
            ),
            cause=(
                f"The crypto socket toward {s.nbma} is up but the server {s.row.tunnel_address} "
                f"never replied ({where}). Candidates, in the order to check: the server's "
                "tunnel address (ip nhrp nhs), ip nhrp authentication, tunnel key, an ACL "
                "dropping GRE/ESP on the hub. The network-id is local and not a cause."
            ),
            evidence=tuple(_spoke_lines(s)),
            next_steps=_steps(
                s, "compare interface Tunnel on both ends: ip nhrp nhs, authentication, tunnel key"
            ),
            step=Step.CONFIG,
            source=Source.STATE,
        )
