"""An ASA's IKEv2 state: ``show crypto ikev2 sa [detail]`` (rendered by ``lab.asashow``, which
names the captures it follows) and ``clear crypto ikev2 sa [PEER]``."""

from __future__ import annotations

from lab.asashow import ikev2_block, live_v2
from lab.commands import Session, asa_command


@asa_command("show crypto ikev2 sa [...]")
def show_ikev2_sa(s: Session, args: tuple[str, ...]) -> str:
    words = [a.lower() for a in args]
    if words not in ([], ["detail"]):
        return "ERROR: % Invalid input detected at '^' marker.\n"
    return ikev2_block(s.device, detail=bool(words))


@asa_command("clear crypto ikev2 sa [...]")
def clear_ikev2_sa(s: Session, args: tuple[str, ...]) -> str:
    """Every IKEv2 SA, or those with the peer named (``clear crypto ikev2 sa 198.51.100.194``)."""
    d = s.device
    engine = d.crypto_engine
    if engine is None:
        return ""
    for peer in [args[0]] if args else sorted({sa.peer for sa in live_v2(d)}):
        engine.clear_peer(d, peer)
    return ""
