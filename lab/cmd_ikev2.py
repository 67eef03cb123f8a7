"""IKEv2 exec commands: ``show crypto ikev2 sa [detailed]``, ``show crypto ikev2 stats
exchange`` and ``clear crypto ikev2 sa``."""

from __future__ import annotations

from lab.commands import Session, command
from lab.ikev2show import ikev2_sa_table
from lab.ikev2stats import ikev2_stats_exchange


@command("show crypto ikev2 sa [...]")
def show_crypto_ikev2_sa(s: Session, args: tuple[str, ...]) -> str:
    s.device.engine().sync()
    detailed = bool(args) and "detailed".startswith(args[-1].lower())
    return ikev2_sa_table(s.device, detailed)


@command("show crypto ikev2 stats exchange")
def show_crypto_ikev2_stats_exchange(s: Session, args: tuple[str, ...]) -> str:
    s.device.engine().sync()
    return ikev2_stats_exchange(s.device.crypto)


@command("clear crypto ikev2 sa [...]")
def clear_crypto_ikev2_sa(s: Session, args: tuple[str, ...]) -> str:
    peer = args[args.index("remote") + 1] if "remote" in args[:-1] else None
    engine = s.device.engine()
    for sa in list(s.device.crypto.ikev2):
        if not sa.deleted and (peer is None or sa.peer == peer):
            engine.clear_peer(s.device, sa.peer)
    return ""
