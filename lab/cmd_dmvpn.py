"""DMVPN exec commands: ``show dmvpn [detail]``, ``show ip nhrp [brief|detail]``,
``show ip nhrp nhs [detail]``, ``clear ip nhrp``."""

from __future__ import annotations

from lab.commands import Session, command
from lab.dmvpnshow import show_dmvpn, show_ip_nhrp, show_ip_nhrp_brief, show_nhs
from lab.nhrpstate import EntryKind


def _sync(s: Session) -> None:
    s.device.engine().sync()


@command("show dmvpn [...]", user=True)
def show_dmvpn_cmd(s: Session, args: tuple[str, ...]) -> str:
    _sync(s)
    detail = bool(args) and "detail".startswith(args[-1].lower())
    return show_dmvpn(s.device, detail)


@command("show ip nhrp [...]", user=True)
def show_ip_nhrp_cmd(s: Session, args: tuple[str, ...]) -> str:
    words = [a.lower() for a in args]
    if words and "nhs".startswith(words[0]):
        return show_nhs(s.device, len(words) > 1 and "detail".startswith(words[-1]))
    if words and "brief".startswith(words[0]):
        return show_ip_nhrp_brief(s.device)
    return show_ip_nhrp(s.device)  # "detail": no capture of its layout, the plain form


@command("clear ip nhrp [...]")
def clear_ip_nhrp(s: Session, args: tuple[str, ...]) -> str:
    """Drop the dynamic entries; registrations and shortcuts are rebuilt by traffic."""
    state = s.device.nhrp
    state.entries = [e for e in state.entries if e.kind is EntryKind.STATIC]
    for rec in state.nhs.values():
        rec.next_request = 0.0
    return ""
