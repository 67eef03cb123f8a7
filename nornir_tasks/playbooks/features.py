"""What a router runs, read from its running configuration, and so what to ask it.

A playbook names commands for every router (``collect.commands``) and commands per feature
(``collect.when``)::

    collect:
      commands: [show running-config, show logging]
      when:
        crypto_map: [show crypto isakmp sa, show crypto map]
        ikev2: [show crypto ikev2 sa]

The runner reads ``collect.commands`` first (the running configuration among them), then on the
same session the ``when`` commands of every feature the configuration shows. A mixed hub (crypto
maps and IKEv2 tunnel interfaces) gets both families; an IKEv1-only branch is never asked an
IKEv2 command. A feature is a registered pure function of ``RunningConfig``; a new one is::

    @feature("dmvpn")
    def _dmvpn(config: RunningConfig) -> bool: ...

When the configuration could not be read (not collected, cut off, an unparsed platform) every
``when`` command is sent: a complete reading is worth more than the saved round trips.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from nornir_tasks.models.collection import CommandOutput, OutputStatus
from nornir_tasks.models.config import RunningConfig

CONFIG_COMMAND = "show running-config"
Detector = Callable[[RunningConfig], bool]
_FEATURES: dict[str, Detector] = {}


def feature(name: str) -> Callable[[Detector], Detector]:
    """Register ``fn`` as the detector of feature ``name``; a second registration raises."""

    def register(fn: Detector) -> Detector:
        if name in _FEATURES:
            raise ValueError(f"feature {name!r} is already registered")
        _FEATURES[name] = fn
        return fn

    return register


def feature_names() -> list[str]:
    return sorted(_FEATURES)


def features_of(config: RunningConfig) -> frozenset[str]:
    """Every registered feature the configuration shows."""
    return frozenset(name for name, fn in _FEATURES.items() if fn(config))


def _config(outputs: Sequence[CommandOutput]) -> RunningConfig | None:
    for o in outputs:
        ok = o.command == CONFIG_COMMAND and o.status is OutputStatus.OK
        if ok and isinstance(o.parsed, RunningConfig) and o.parsed.complete:
            return o.parsed
    return None


def commands_for(
    when: Mapping[str, Sequence[str]], outputs: Sequence[CommandOutput]
) -> tuple[str, ...]:
    """The ``when`` commands for the router whose outputs are ``outputs``, in the playbook's
    order, each once; all of them when its configuration is not among the outputs."""
    config = _config(outputs)
    shown = features_of(config) if config is not None else frozenset(when)
    wanted = [c for name, commands in when.items() if name in shown for c in commands]
    return tuple(dict.fromkeys(wanted))


# -- the features --------------------------------------------------------------------------------


def _tunnels(config: RunningConfig) -> list[str]:
    return [n for n in config.interfaces if n.lower().startswith("tunnel")]


@feature("crypto_map")
def _crypto_map(config: RunningConfig) -> bool:
    """Crypto maps (static or dynamic): IKEv1 or IKEv2 policy-based tunnels."""
    return bool(config.crypto_maps)


@feature("ikev1")
def _ikev1(config: RunningConfig) -> bool:
    """IKEv1 can negotiate here. An ASA answers IKEv1 only on interfaces with ``crypto ikev1
    enable``: without one its ``show crypto ikev1 sa`` is empty by construction. On IOS:
    ISAKMP policies, keys, keyrings or profiles, or a crypto map entry or tunnel protection
    profile that names no IKEv2 profile (IOS then negotiates IKEv1, on its default policies
    if need be)."""
    if config.platform == "asa":
        return bool(config.ike_enabled.get("ikev1"))
    return bool(
        config.isakmp_policies or config.isakmp_keys or config.keyrings or config.isakmp_profiles
    ) or any(profile is None for profile in _ike_users(config))


@feature("ikev2")
def _ikev2(config: RunningConfig) -> bool:
    """IKEv2 can negotiate here: on an ASA, ``crypto ikev2 enable`` on an interface; on IOS,
    an IKEv2 profile, keyring, proposal or policy."""
    if config.platform == "asa":
        return bool(config.ike_enabled.get("ikev2"))
    return bool(
        config.ikev2_profiles
        or config.ikev2_keyrings
        or config.ikev2_proposals
        or config.ikev2_policies
    )


def _ike_users(config: RunningConfig) -> list[str | None]:
    """The IKEv2 profile (None: IKEv1) of each IOS crypto map entry that negotiates with IKE
    and of each IPsec profile a tunnel interface is protected by."""
    entries = [e for m in config.crypto_maps for e in m.entries if e.type != "ipsec-manual"]
    used = {config.interfaces[n].tunnel_protection for n in _tunnels(config)}
    profiles = [p for p in config.ipsec_profiles if p.name in used]
    # an entry pointing to a dynamic map negotiates with that map's entries' settings
    return [e.ikev2_profile for e in entries if e.dynamic_map is None] + [
        p.ikev2_profile for p in profiles
    ]


@feature("tunnel")
def _tunnel(config: RunningConfig) -> bool:
    """Any ``interface TunnelN`` (GRE, IPsec VTI, mGRE)."""
    return bool(_tunnels(config))


@feature("tunnel_protection")
def _tunnel_protection(config: RunningConfig) -> bool:
    """A tunnel interface protected by an IPsec profile (sVTI, GRE over IPsec, DMVPN)."""
    return any(config.interfaces[n].tunnel_protection for n in _tunnels(config))


@feature("dmvpn")
def _dmvpn(config: RunningConfig) -> bool:
    """A multipoint GRE tunnel (``tunnel mode gre multipoint``): DMVPN."""
    return any(
        (config.interfaces[n].tunnel_mode or "").startswith("gre multipoint")
        for n in _tunnels(config)
    )


@feature("pki")
def _pki(config: RunningConfig) -> bool:
    """An IKEv2 profile that authenticates with certificates (``rsa-sig``)."""
    return any(
        "rsa-sig" in (*p.authentication_local, *p.authentication_remote)
        for p in config.ikev2_profiles
    )
