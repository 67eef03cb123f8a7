"""Failover lint rules on the VPN over the backup ISP: crypto map on it, peers that accept it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from nornir_tasks.checks.compat import has_key_for, map_peers
from nornir_tasks.failover.lint_base import (
    LintContext,
    LintTarget,
    _finding,
    lint_rule,
    quote,
)
from nornir_tasks.models.config import (
    RunningConfig,
)
from nornir_tasks.models.findings import Finding, Severity


def _map_of(config: RunningConfig, interface: str | None) -> str | None:
    itf = config.interfaces.get(interface or "")
    return itf.crypto_map if itf else None


@lint_rule("FO_CRYPTO_MAP_NOT_ON_BACKUP")
def crypto_map_not_on_backup(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 11: the crypto map must be on both WAN interfaces."""
    wans = ctx.wans
    cmap = _map_of(ctx.config, wans.primary_if)
    if cmap is None or wans.backup_if is None or _map_of(ctx.config, wans.backup_if) == cmap:
        return
    yield _finding(
        ctx,
        "FO_CRYPTO_MAP_NOT_ON_BACKUP",
        Severity.CRITICAL,
        f"crypto map {cmap} is on {wans.primary_if} but not on {wans.backup_if}",
        f"After failover the traffic leaves {wans.backup_if}, which carries no crypto map "
        f"{cmap}: it goes out unencrypted (or is dropped) and the tunnels stay down.",
        quote(
            ctx.target.text,
            rf"^interface ({re.escape(wans.primary_if or '')}|{re.escape(wans.backup_if)})$",
            True,
        ),
        (f"interface {wans.backup_if} / crypto map {cmap}",),
    )


def _owner(peers: Sequence[LintTarget], address: str) -> LintTarget | None:
    for peer in peers:
        if any(i.ip_address == address for i in peer.config.interfaces.values()):
            return peer
    return None


def _what_peer_lacks(peer: RunningConfig, backup: str) -> list[str]:
    missing = []
    if not has_key_for(peer, backup):
        missing.append(f"no pre-shared key for {backup}")
    has_entry = any(t.peer == backup for t in map_peers(peer))
    if not has_entry and not any(m.dynamic for m in peer.crypto_maps):
        missing.append(f"no crypto map entry with 'set peer {backup}'")
    return missing


@lint_rule("FO_PEER_REJECTS_BACKUP")
def peer_rejects_backup(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 11: the VPN peer must accept the backup address (key and peer entry)."""
    config, wans = ctx.config, ctx.wans
    backup_itf = config.interfaces.get(wans.backup_if or "")
    backup = backup_itf.ip_address if backup_itf else None
    cmap = _map_of(config, wans.primary_if)
    if backup is None or cmap is None:
        return
    for t in map_peers(config):
        peer = _owner(ctx.peers, t.peer) if t.cmap.name == cmap else None
        missing = _what_peer_lacks(peer.config, backup) if peer else []
        if peer is None or not missing:
            continue
        primary = config.interfaces.get(wans.primary_if or "")
        known = re.escape(primary.ip_address if primary and primary.ip_address else "-")
        theirs = quote(peer.text, rf"^crypto isakmp key .* address {known}\b|^ *set peer {known}$")
        yield _finding(
            ctx,
            "FO_PEER_REJECTS_BACKUP",
            Severity.CRITICAL,
            f"after failover to {wans.backup_if} ({backup}), {peer.host} will reject the tunnel",
            f"{ctx.target.host} sources IKE from {backup} once ISP1 fails; {peer.host} ({t.peer}) "
            f"has {' and '.join(missing)}, so the tunnel stays down (MM_NO_STATE, 'No pre-shared "
            f"key' on {peer.host}) for as long as the failover lasts.",
            [
                *quote(ctx.target.text, rf"^ *set peer {re.escape(t.peer)}$"),
                *(f"{peer.host}: {line.strip()}" for line in theirs),
            ],
            (
                f"on {peer.host}: crypto isakmp key <the key> address {backup}",
                f"on {peer.host}: set peer {backup} in the crypto map entry for {ctx.target.host}",
            ),
            peer=t.peer,
        )
