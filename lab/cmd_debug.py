"""``debug crypto ...``, its peer conditions and ``undebug``: which lines the engines log.

The crypto engine writes a debug line only while its kind is on and, with conditions set,
only for a peer they name (``lab.crypto.context.CryptoContext.debug``).
"""

from __future__ import annotations

from lab.commands import Session, command

_DEBUG_NAMES = {"isakmp": "Crypto ISAKMP", "ipsec": "Crypto IPSEC", "ikev2": "Crypto IKEv2"}


def _debug_on(kind: str) -> object:
    def handler(s: Session, args: tuple[str, ...]) -> str:
        s.device.debugs.add(kind)
        return f"{_DEBUG_NAMES[kind]} debugging is on\n"

    return handler


for _kind in _DEBUG_NAMES:
    command(f"debug crypto {_kind} [...]")(_debug_on(_kind))  # type: ignore[arg-type]


@command("debug crypto condition peer ipv4 <address>")
def debug_condition(s: Session, args: tuple[str, ...]) -> str:
    cond = f"peer ipv4 {args[0]}"
    if cond not in s.device.debug_conditions:
        s.device.debug_conditions.append(cond)
    return ""


@command("show crypto debug-condition [...]")
def show_debug_condition(s: Session, args: tuple[str, ...]) -> str:
    conds = s.device.debug_conditions
    if not conds:
        return "Crypto conditional debug currently is turned OFF\n"
    lines = [f"IKE peer IP address filters:\n{c.split()[-1]} " for c in conds]
    return "\n".join(lines) + "\n\nConnection-id filters:[none]\n\nSPI filters:[none]\n"


def _undebug(s: Session, args: tuple[str, ...]) -> str:
    s.device.debugs.clear()
    return "All possible debugging has been turned off\n"


command("undebug all")(_undebug)
command("no debug all")(_undebug)


@command("no debug crypto condition [...]")
def no_debug_condition(s: Session, args: tuple[str, ...]) -> str:
    if not args or args[0].lower() == "all":
        s.device.debug_conditions.clear()
    else:
        cond = " ".join(args)
        s.device.debug_conditions[:] = [c for c in s.device.debug_conditions if c != cond]
    return ""


@command("no debug crypto <kind> [...]")
def no_debug_kind(s: Session, args: tuple[str, ...]) -> str:
    s.device.debugs.discard(args[0].lower())
    return ""


command("undebug crypto <kind> [...]")(no_debug_kind)
