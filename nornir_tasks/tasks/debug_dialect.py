"""How a platform spells a conditional, bounded IKE debug: the CPU reading, the peer
condition, the debug commands, the cleanup and how ``show debug`` reads when it is clean.

IOS: ``debug crypto condition peer ipv4 X``, ``debug crypto isakmp`` / ``ipsec``, cleanup
``undebug all`` + ``no debug crypto condition all``, verified with ``show debugging``. For a
DMVPN peer also ``debug nhrp`` under ``debug nhrp condition peer nbma X`` (the syntax of Cisco's
DMVPN configuration guide, code index file 70425938087), whose condition ``no debug nhrp
condition`` removes (in every IOS cleanup: a run left behind may have set one).
ASA: ``debug crypto condition peer X``, ``debug crypto ikev1 127`` / ``debug crypto ikev2
protocol 127`` / ``debug crypto ipsec 127``, cleanup ``undebug all`` + ``no debug crypto
condition``, verified with ``show debug`` (it lists every debug and condition still on).
The debug lines are read from the logging buffer on both (``show logging``). Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nornir_tasks.tasks.platforms import cpu_command, is_asa


def ios_is_clean(show_debugging: str) -> bool:
    """No ``... debugging is on`` line and no active conditional debug."""
    text = show_debugging.lower()
    return "debugging is on" not in text and "global state: start" not in text


def asa_is_clean(show_debug: str) -> bool:
    """ASA ``show debug`` lists ``debug crypto ikev1 enabled at level 127`` and ``debug crypto
    condition peer X`` while on; clean is none of them."""
    return not any(line.strip().lower().startswith("debug ") for line in show_debug.splitlines())


# The IOS debug kinds a playbook names -> the ASA's debug command for the same exchange.
_ASA_KINDS = {
    "isakmp": "debug crypto ikev1 127",
    "ikev1": "debug crypto ikev1 127",
    "ikev2": "debug crypto ikev2 protocol 127",
    "ipsec": "debug crypto ipsec 127",
}


@dataclass(frozen=True)
class DebugDialect:
    cpu: str
    condition: Callable[[str], str]
    kinds: Callable[[Sequence[str]], tuple[str, ...]]
    cleanup: tuple[str, ...]
    show: str
    is_clean: Callable[[str], bool]
    # (kinds, peer) -> conditions besides the crypto one (IOS ``debug nhrp condition``)
    extra_conditions: Callable[[Sequence[str], str], tuple[str, ...]] = lambda kinds, peer: ()


NHRP = "nhrp"


def _ios_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    return tuple("debug nhrp" if k == NHRP else f"debug crypto {k}" for k in kinds)


def _asa_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    """An ASA has no NHRP (no DMVPN): that kind is dropped."""
    asa = (_ASA_KINDS.get(k, f"debug crypto {k} 127") for k in kinds if k != NHRP)
    return tuple(dict.fromkeys(asa))


def _ios_extra(kinds: Sequence[str], peer: str) -> tuple[str, ...]:
    return (f"debug nhrp condition peer nbma {peer}",) if NHRP in kinds else ()


IOS = DebugDialect(
    cpu=cpu_command("ios"),
    condition=lambda peer: f"debug crypto condition peer ipv4 {peer}",
    kinds=_ios_kinds,
    cleanup=("undebug all", "no debug crypto condition all", "no debug nhrp condition"),
    show="show debugging",
    is_clean=ios_is_clean,
    extra_conditions=_ios_extra,
)
ASA = DebugDialect(
    cpu=cpu_command("asa"),
    condition=lambda peer: f"debug crypto condition peer {peer}",
    kinds=_asa_kinds,
    cleanup=("undebug all", "no debug crypto condition"),
    show="show debug",
    is_clean=asa_is_clean,
)


def dialect(platform: str | None) -> DebugDialect:
    return ASA if is_asa(platform) else IOS
