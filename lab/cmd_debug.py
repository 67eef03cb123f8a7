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


# -- debug nhrp (lab.nhrpdebug prints its lines) ----------------------------------------------


@command("debug nhrp condition peer nbma <address>")
def debug_nhrp_condition(s: Session, args: tuple[str, ...]) -> str:
    cond = f"peer nbma {args[0]}"
    if cond not in s.device.nhrp_conditions:
        s.device.nhrp_conditions.append(cond)
    return ""


@command("no debug nhrp condition [...]")
def no_debug_nhrp_condition(s: Session, args: tuple[str, ...]) -> str:
    """Without arguments every NHRP condition goes; with one, that condition."""
    cond = " ".join(args)
    conds = s.device.nhrp_conditions
    conds[:] = [c for c in conds if args and c != cond]
    return ""


command("undebug nhrp condition [...]")(no_debug_nhrp_condition)


@command("debug nhrp [...]")
def debug_nhrp(s: Session, args: tuple[str, ...]) -> str:
    s.device.debugs.add("nhrp")
    return "NHRP protocol debugging is on\n"


@command("no debug nhrp")
def no_debug_nhrp(s: Session, args: tuple[str, ...]) -> str:
    s.device.debugs.discard("nhrp")
    return ""


command("undebug nhrp")(no_debug_nhrp)
