"""Certificates of IKEv2 ``rsa-sig`` authentication: expired (IKEV2_CERT_EXPIRED) or expiring
within 30 days (IKEV2_CERT_EXPIRING), and a CRL that cannot be fetched under ``revocation-check
crl`` (IKEV2_CRL_UNAVAILABLE, ``checks.pki_crl``).

IOS keeps an expired certificate ``Status: Available``: only its ``end date`` against the
router's own clock says it. Both are printed in the router's time zone, so ``show crypto pki
certificates`` and ``show clock`` of one router compare as they are. A certificate counts when
its trustpoint is the ``pki trustpoint`` of an IKEv2 profile that signs or verifies with
``rsa-sig``; the router's own certificate and the CA's both. The peer that refuses it logs
``%PKI-3-CERTIFICATE_INVALID_EXPIRED ... (SN: <serial>)``; when that peer is in the fleet its
lines are quoted. The finding is on the router whose certificate it is (re-enrol it there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import FleetEvidence, HostEvidence
from nornir_tasks.checks.model_names import PKI_CERTIFICATES, ROUTER_CLOCK
from nornir_tasks.checks.peers import other_end
from nornir_tasks.checks.pki_crl import CODE as CRL
from nornir_tasks.checks.pki_crl import crl_findings
from nornir_tasks.checks.pki_trust import CODE as UNTRUSTED
from nornir_tasks.checks.pki_trust import PeersBy, untrusted
from nornir_tasks.checks.quote import config_lines, tag, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.checks.tunnels import tunnel_state
from nornir_tasks.models.findings import Finding, Severity, Source, Step
from nornir_tasks.models.tunnel_status import TunnelStatus

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import RunningConfig
    from nornir_tasks.models.config_ike import Ikev2Profile
    from nornir_tasks.models.pki import PkiCertificate, RouterClock

EXPIRED = "IKEV2_CERT_EXPIRED"
EXPIRING = "IKEV2_CERT_EXPIRING"
NEEDS = ("show crypto pki certificates*",)
WARN_BEFORE = timedelta(days=30)
RSA = "rsa-sig"


@dataclass(frozen=True)
class Judged:
    """A certificate of a trustpoint IKEv2 uses, and how long it has left (negative: expired)."""

    cert: PkiCertificate
    left: timedelta
    clock: RouterClock
    peers: tuple[str, ...]  # the tunnels that authenticate with its trustpoint


def signing_peers(config: RunningConfig) -> dict[str, list[str]]:
    """trustpoint -> the peers of the tunnels whose IKEv2 profile signs with it (rsa-sig)."""
    return _peers_by(config, lambda p: (p.pki_trustpoint,) if p.pki_trustpoint else ())


def verifying_peers(config: RunningConfig) -> dict[str, list[str]]:
    """trustpoint -> the peers of the tunnels whose certificates it verifies (rsa-sig)."""
    return _peers_by(config, lambda p: p.pki_verify if RSA in p.authentication_remote else ())


def _peers_by(
    config: RunningConfig, trustpoints: Callable[[Ikev2Profile], tuple[str, ...]]
) -> dict[str, list[str]]:
    profiles = {
        p.name: trustpoints(p)
        for p in config.ikev2_profiles
        if RSA in (*p.authentication_local, *p.authentication_remote)
    }
    ipsec = {p.name: profiles.get(p.ikev2_profile or "", ()) for p in config.ipsec_profiles}
    found: dict[str, list[str]] = {t: [] for points in profiles.values() for t in points}
    for itf in config.interfaces.values():
        for trustpoint in ipsec.get(itf.tunnel_protection or "", ()):
            if itf.tunnel_destination:
                found[trustpoint].append(itf.tunnel_destination)
    for entry in (e for m in config.crypto_maps for e in m.entries):
        for trustpoint in profiles.get(entry.ikev2_profile or "", ()):
            found[trustpoint].extend(entry.peers)
    return found


def judged(host: HostEvidence) -> list[Judged]:
    clock = host.first(ROUTER_CLOCK)
    table = host.first(PKI_CERTIFICATES)
    now = clock.now if clock else None
    if host.config is None or table is None or clock is None or now is None:
        return []
    used = {**verifying_peers(host.config), **signing_peers(host.config)}
    out: list[Judged] = []
    for cert in table.certificates:
        end = cert.ends_at
        points = [t for t in cert.trustpoints if t in used]
        if end is not None and points:
            peers = tuple(p for t in points for p in used[t])
            out.append(Judged(cert, end - now, clock, peers))
    return out


def _peer(host: HostEvidence, j: Judged) -> str | None:
    """The tunnel it breaks: a down one first."""
    down = [p for p in j.peers if tunnel_state(host, p) is not TunnelStatus.UP]
    first = down or list(j.peers)
    return first[0] if first else None


def _block(j: Judged) -> list[str]:
    keep = ("Certificate", "CA ", "Router", "Status", "Certificate Serial", "start", "end")
    lines = [ln for ln in j.cert.lines if ln.startswith(keep) or "Trustpoint" in ln]
    return [*lines, f"show clock: {j.clock.line}"]


def _refusals(host: HostEvidence, peer: str | None, j: Judged, fleet: FleetEvidence) -> list[str]:
    """The peer's ``%PKI-3-CERTIFICATE_INVALID_EXPIRED`` lines naming this serial."""
    other = other_end(fleet, host, peer)
    if other is None or not j.cert.serial:
        return []
    needle = f"(SN: {j.cert.serial})"
    lines = [
        line.strip()
        for _, text in other.raw_of("show logging")
        for line in text.splitlines()
        if "CERTIFICATE_INVALID_EXPIRED" in line and needle in line
    ]
    return list(tag(lines[-2:], other, host.host))


def _days(left: timedelta) -> str:
    days = abs(left).days
    return (
        f"{days} day{'s' * (days != 1)}" if days else f"{int(abs(left).total_seconds() // 60)} min"
    )


def _finding(host: HostEvidence, j: Judged, fleet: FleetEvidence) -> Finding:
    peer = _peer(host, j)
    expired = j.left <= timedelta(0)
    what = f"{'CA ' if j.cert.is_ca else ''}certificate SN {j.cert.serial}"
    trustpoint = " ".join(j.cert.trustpoints)
    profile = config_lines(host, rf"^\s*pki trustpoint {trustpoint.split()[0]}\b")
    summary = (
        f"{what} of trustpoint {trustpoint} expired {_days(j.left)} ago"
        if expired
        else f"{what} of trustpoint {trustpoint} expires in {_days(j.left)}"
    )
    cause = (
        f"{host.host} authenticates IKEv2 with certificates (rsa-sig) and its {what} ended on "
        f"{j.cert.end}, before the router's clock: peers refuse it (AUTHENTICATION_FAILED, "
        "%PKI-3-CERTIFICATE_INVALID_EXPIRED on their side) and every new negotiation fails. "
        "Re-enrol the trustpoint (or check the clock, if the date is right and the clock is not)."
        if expired
        else f"{host.host}'s {what} ends on {j.cert.end}: IKEv2 with rsa-sig will fail from then "
        "on. Renew it before (auto-enroll, or enrol the trustpoint again)."
    )
    return Finding(
        code=EXPIRED if expired else EXPIRING,
        severity=Severity.CRITICAL if expired else Severity.WARNING,
        host=host.host,
        peer=peer,
        summary=summary,
        cause=cause,
        evidence=unique([*_block(j), *profile, *_refusals(host, peer, j, fleet)], 16),
        next_steps=(
            f"show crypto pki certificates {trustpoint.split()[0]} ; show clock  (end date vs now)",
            f"crypto pki enroll {trustpoint.split()[0]}  (after 'crypto pki authenticate' if the CA changed)",
            "show crypto pki trustpoints status ; ntp status  (the clock the dates are read by)",
        ),
        step=Step.IKE_PHASE1,
        source=Source.STATE,
    )


def findings(fleet: FleetEvidence) -> dict[tuple[str, str | None], Finding]:
    """Every certificate finding of the fleet, by (host, peer); built once a run."""

    def build() -> dict[tuple[str, str | None], Finding]:
        out: dict[tuple[str, str | None], Finding] = {}
        for host in fleet.hosts:
            for j in judged(host):
                if j.left <= WARN_BEFORE:
                    f = _finding(host, j, fleet)
                    out.setdefault((host.host, f.peer), f)
            for f in [*_crl(host), *_untrusted(host, fleet)]:
                out.setdefault((host.host, f.peer), f)
        return out

    return fleet.memo("pki.findings", build)


def _crl(host: HostEvidence) -> list[Finding]:
    if host.config is None:
        return []
    return crl_findings(
        host, verifying_peers(host.config), lambda p: tunnel_state(host, p) is not TunnelStatus.UP
    )


def _untrusted(host: HostEvidence, fleet: FleetEvidence) -> list[Finding]:
    def peers(fn: Callable[[RunningConfig], dict[str, list[str]]]) -> PeersBy:
        return lambda h: fn(h.config) if h.config is not None else {}

    down = lambda p: tunnel_state(host, p) is not TunnelStatus.UP  # noqa: E731
    return list(untrusted(host, fleet, peers(verifying_peers), peers(signing_peers), down))


def explains(host: HostEvidence, peer: str, fleet: FleetEvidence) -> bool:
    """An expired certificate or a missing CRL, here or at the other end, names the tunnel to
    ``peer``."""
    found = findings(fleet)
    breaking = (EXPIRED, CRL, UNTRUSTED)
    here = found.get((host.host, peer))
    if here is not None and here.code in breaking:
        return True
    other = other_end(fleet, host, peer)
    if other is None:
        return False
    return any(
        f.code in breaking and f.host == other.host and f.peer in host.addresses
        for f in found.values()
    )


def _of(host: HostEvidence, fleet: FleetEvidence, code: str) -> Iterator[Finding]:
    yield from (f for (h, _), f in findings(fleet).items() if h == host.host and f.code == code)


@check(EXPIRED, needs=NEEDS)
def cert_expired(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A certificate IKEv2 authenticates with has passed its end date (router's clock)."""
    yield from _of(host, fleet, EXPIRED)


@check(EXPIRING, needs=NEEDS)
def cert_expiring(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """A certificate IKEv2 authenticates with ends within 30 days."""
    yield from _of(host, fleet, EXPIRING)


@check(CRL, needs=("show logging",))
def crl_unavailable(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """``revocation-check crl`` and the CRL cannot be fetched: peer certificates refused."""
    yield from _of(host, fleet, CRL)


@check(UNTRUSTED, needs=NEEDS)
def cert_untrusted(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """The peer's certificate is issued by a CA none of this end's trustpoints holds."""
    yield from _of(host, fleet, UNTRUSTED)
