"""Configuration hygiene that does not break a tunnel today: weak crypto, no dead-peer detection.

Weak: DES/3DES, MD5, DH groups 1/2/5 (IOS defaults fill omitted lines: ``encryption des``,
``group 1``). Without DPD (``crypto isakmp keepalive``) a stale SA black-holes traffic after a
failover or a reboot of the peer (field guide §6.2 pitfall 11).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from nornir_tasks.checks.evidence import CONFIG, IPSEC, ISAKMP, FleetEvidence, HostEvidence
from nornir_tasks.checks.model_names import IKEV2_SA_TABLE
from nornir_tasks.checks.quote import config_lines, unique
from nornir_tasks.checks.registry import check
from nornir_tasks.models.findings import Finding, Severity, Source, Step

if TYPE_CHECKING:  # annotations only (the configuration models are slow to import)
    from nornir_tasks.models.config import RunningConfig

WEAK_CIPHERS = ("des", "3des", "esp-des", "esp-3des")
WEAK_HASHES = ("md5", "esp-md5-hmac", "ah-md5-hmac")
WEAK_GROUPS = (1, 2, 5)
# " encr 3des", " hash md5", " group 2", "crypto ipsec transform-set TS esp-3des esp-md5-hmac",
# " set pfs group2"
_WEAK_LINE = (
    r"^ *(encr(yption)?|hash) (3?des|md5)\b|^ *group [125]$|^crypto ipsec transform-set .*"
    r"(esp-3?des|md5)|^ *set pfs group[125]$|^ *(encryption|integrity) .*(3?des|md5)"
)


def _group(text: str | None) -> int | None:
    digits = "".join(c for c in (text or "") if c.isdigit())
    return int(digits) if digits else None


def weak_config(config: RunningConfig) -> list[str]:
    """Weak algorithms in the configuration, as readable items."""
    found: list[str] = []
    for p in config.isakmp_policies:
        cipher = (p.encryption or "des").split()[0].lower()
        if cipher in WEAK_CIPHERS:
            found.append(
                f"isakmp policy {p.priority}: encryption {cipher}"
                + ("" if p.encryption else " (default)")
            )
        if (p.hash or "").lower() in WEAK_HASHES:
            found.append(f"isakmp policy {p.priority}: hash md5")
        if (p.group or 1) in WEAK_GROUPS:
            found.append(
                f"isakmp policy {p.priority}: DH group {p.group or 1}"
                + ("" if p.group else " (default)")
            )
    for ts in config.transform_sets:
        bad = [t for t in ts.transforms if t.lower() in WEAK_CIPHERS + WEAK_HASHES]
        if bad:
            found.append(f"transform-set {ts.name}: {' '.join(bad)}")
    for cmap in config.crypto_maps:
        for e in cmap.entries:
            if _group(e.pfs) in WEAK_GROUPS:
                found.append(f"crypto map {cmap.name} {e.seq}: pfs {e.pfs}")
    for prop in config.ikev2_proposals:
        bad = [
            x for x in prop.encryption + prop.integrity if x.lower() in WEAK_CIPHERS + WEAK_HASHES
        ]
        bad += [f"group {g}" for g in prop.group if _group(g) in WEAK_GROUPS]
        if bad:
            found.append(f"ikev2 proposal {prop.name}: {' '.join(bad)}")
    return found


def weak_state(host: HostEvidence) -> list[str]:
    """Weak algorithms actually negotiated (SA tables)."""
    found: list[str] = []
    for row in host.ike:
        sa = row.sa
        if (
            (sa.encr or "").lower() in WEAK_CIPHERS
            or (sa.hash or "").lower() in WEAK_HASHES
            or sa.dh_group in WEAK_GROUPS
        ):
            found.append(
                f"IKE SA with {row.peer}: {sa.encr or '?'}/{sa.hash or '?'}/group {sa.dh_group or '?'}"
            )
    for table in host.models(IKEV2_SA_TABLE):
        for v2 in table.sas:
            if (v2.encr or "").lower().split("-")[0] in (
                "des",
                "3des",
            ) or v2.dh_group in WEAK_GROUPS:
                found.append(f"IKEv2 SA with {v2.remote}: {v2.encr}/group {v2.dh_group}")
    for flow in host.flows:
        for child in flow.sas:
            words = (child.transform or "").lower().split()
            if any(w in WEAK_CIPHERS + WEAK_HASHES for w in words):
                peer = flow.current_peer or "a peer the output does not name"
                found.append(f"IPsec SA with {peer}: {child.transform}")
                break
    return list(dict.fromkeys(found))


@check("IKE_WEAK_CRYPTO", needs=CONFIG + ISAKMP + IPSEC + ("show crypto ikev2 sa*",))
def weak_crypto(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """DES/3DES, MD5 or DH group 1/2/5 configured or negotiated."""
    config = host.config
    items, source = (
        (weak_config(config), Source.CONFIG) if config else (weak_state(host), Source.STATE)
    )
    if not items:
        return
    lines = config_lines(host, _WEAK_LINE) if config else items
    yield Finding(
        code="IKE_WEAK_CRYPTO",
        severity=Severity.WARNING,
        host=host.host,
        peer=None,
        summary=f"weak IKE/IPsec algorithms: {'; '.join(items[:3])}"
        + (" ..." if len(items) > 3 else ""),
        cause=(
            "DES and 3DES, MD5 and Diffie-Hellman groups 1, 2 and 5 are deprecated (Cisco "
            "next-generation encryption guidance): they are breakable or close to it. Items: "
            + "; ".join(items)
        ),
        evidence=unique(lines, 14),
        next_steps=(
            "show crypto isakmp policy ; show crypto ipsec transform-set",
            "use AES-256 (or AES-GCM), SHA-256 or better and DH group 14, 19 or 20 on both ends",
        ),
        step=Step.CONFIG,
        source=source,
    )


def _dpd_configured(config: RunningConfig) -> bool:
    if config.isakmp_keepalive is not None:
        return True
    if any(p.keepalive for p in config.isakmp_profiles):
        return True
    return bool(config.ikev2_profiles) and all(p.dpd for p in config.ikev2_profiles)


@check("IKE_NO_DPD", needs=CONFIG + ISAKMP)
def no_dpd(host: HostEvidence, fleet: FleetEvidence) -> Iterator[Finding]:
    """IKE tunnels without dead-peer detection (config), or SAs without the D capability."""
    config = host.config
    if config is not None and config.platform == "asa":
        return  # an ASA tunnel-group keeps DPD on by default (isakmp keepalive threshold 10)
    # Only the whole configuration shows that no keepalive is configured (an excerpt may
    # leave "crypto isakmp keepalive" out); otherwise the SAs' D capability says it.
    if config is not None and config.complete:
        uses_ike = bool(config.crypto_maps or config.isakmp_policies or config.ipsec_profiles)
        if not uses_ike or _dpd_configured(config):
            return
        lines = config_lines(host, r"^crypto map \S+ \d+|^crypto isakmp policy")[:3]
        source = Source.CONFIG
    else:
        rows = [r for r in host.ike if r.sa.capabilities is not None and r.up]
        if not rows or any("D" in (r.sa.capabilities or "") for r in rows):
            return
        lines = [f"IKE SA with {r.peer}: capabilities '{r.sa.capabilities}' (no D)" for r in rows][
            :3
        ]
        source = Source.STATE
    yield Finding(
        code="IKE_NO_DPD",
        severity=Severity.WARNING,
        host=host.host,
        peer=None,
        summary="no dead-peer detection (crypto isakmp keepalive)",
        cause=(
            "Without DPD a router keeps IKE and IPsec SAs to a peer that rebooted, failed over to "
            "another ISP or cleared its SAs, and keeps encrypting into them until they expire: "
            "traffic is black-holed and the peer logs invalid SPIs."
        ),
        evidence=unique(lines),
        next_steps=("crypto isakmp keepalive 10 3 periodic", "crypto isakmp invalid-spi-recovery"),
        step=Step.TERMINATION,
        source=source,
    )
