"""An ASA's IKEv2 configuration read into the lab's one ``Ikev2Config``, so the IKEv2 engine
negotiates for an ASA as for an IOS-XE router.

The ASA configures IKEv2 differently (Cisco doc 115935, "ASA IKEv2 Debugs for Site-to-Site
VPN with PSKs", and the IKEv2 how-to tutorial in code index file 70432723204)::

    crypto ikev2 policy 10
     encryption aes-256
     integrity sha256
     group 14
     prf sha256
     lifetime seconds 86400
    crypto ikev2 enable outside
    tunnel-group 198.51.100.194 type ipsec-l2l
    tunnel-group 198.51.100.194 ipsec-attributes
     ikev2 remote-authentication pre-shared-key KEY-THE-PEER-USES
     ikev2 local-authentication pre-shared-key KEY-THIS-ASA-USES

and lands in ``Ikev2Config`` as:

- each ``crypto ikev2 policy N`` is a proposal (in IOS-XE's transform names: ``aes-256`` is
  ``aes-cbc-256``, ``sha`` is ``sha1``), offered in priority order; no smart default: an ASA
  without a policy has nothing to offer;
- a LAN-to-LAN peer authenticated by key is found by its address, so each tunnel group named
  by an address is a profile of that name matching that address, whose keyring holds the
  ``remote-authentication`` key (what the peer's AUTH is checked with) and whose
  ``local_keys`` entry the ``local-authentication`` key (what this ASA signs with). A group
  named otherwise is never used for a L2L peer (the IKEv1 rule, ``lab.asacrypto``);
- ``crypto ikev2 enable IFC`` lists where IKEv2 runs (``enabled_on``): elsewhere the ASA
  neither starts nor answers it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from lab.configtree import ConfigTree
from lab.ikev2cfg import Ikev2Config, Ikev2Profile, Ikev2Proposal

# crypto ikev2 policy:  encryption aes-256  ->  IOS-XE proposal transform "aes-cbc-256"
_ENCRYPTION = {
    "aes": "aes-cbc-128",
    "aes-192": "aes-cbc-192",
    "aes-256": "aes-cbc-256",
    "aes-gcm": "aes-gcm-128",
}
#  integrity sha  ->  "sha1"
_INTEGRITY = {"sha": "sha1"}
# The ASA's values when a policy line is absent (ASA 9.x command reference defaults).
_DEFAULTS = {"encryption": ("aes-cbc-256",), "integrity": ("sha1",), "group": (14,)}


def _is_address(word: str) -> bool:
    try:
        ipaddress.IPv4Address(word)
    except ValueError:
        return False
    return True


def _policy(priority: str, lines: list[str]) -> tuple[Ikev2Proposal, int]:
    """The proposal of ``crypto ikev2 policy N`` and its lifetime."""
    found: dict[str, tuple[str, ...]] = {}
    lifetime = 86400
    for line in lines:
        w = line.split()
        if w[0] == "encryption":
            found["encryption"] = tuple(_ENCRYPTION.get(x, x) for x in w[1:])
        elif w[0] == "integrity":
            found["integrity"] = tuple(_INTEGRITY.get(x, x) for x in w[1:])
        elif w[0] == "group":
            found["group"] = tuple(g for g in w[1:] if g.isdigit())
        elif w[:2] == ["lifetime", "seconds"] and len(w) > 2 and w[2].isdigit():
            lifetime = int(w[2])
    groups = tuple(int(g) for g in found.get("group", ())) or _DEFAULTS["group"]
    return (
        Ikev2Proposal(
            f"policy {priority}",
            found.get("encryption") or _DEFAULTS["encryption"],  # type: ignore[arg-type]
            found.get("integrity") or _DEFAULTS["integrity"],  # type: ignore[arg-type]
            groups,  # type: ignore[arg-type]
        ),
        lifetime,
    )


def _group_keys(lines: list[str]) -> tuple[str | None, str | None]:
    """(remote, local) keys of a tunnel group's ``ipsec-attributes``."""
    remote = local = None
    for line in lines:
        w = line.split()
        if w[:3] == ["ikev2", "remote-authentication", "pre-shared-key"] and len(w) > 3:
            remote = w[-1]
        elif w[:3] == ["ikev2", "local-authentication", "pre-shared-key"] and len(w) > 3:
            local = w[-1]
    return remote, local


def read_asa_ikev2(tree: ConfigTree) -> Ikev2Config:
    cfg = Ikev2Config(enabled_on=(), smart_defaults=False)
    policies: list[tuple[int, Ikev2Proposal, int]] = []
    enabled: list[str] = []
    for node in tree.sections():
        w = node.line.split()
        lines = [c.line for c in node.children]
        if w[:3] == ["crypto", "ikev2", "policy"] and len(w) > 3 and w[3].isdigit():
            proposal, lifetime = _policy(w[3], lines)
            policies.append((int(w[3]), proposal, lifetime))
        elif w[:3] == ["crypto", "ikev2", "enable"] and len(w) > 3:
            enabled.append(w[3])
        elif w[0] == "tunnel-group" and w[2:] == ["ipsec-attributes"] and _is_address(w[1]):
            _add_group(cfg, w[1], *_group_keys(lines))
    policies.sort(key=lambda p: p[0])
    lifetime = policies[0][2] if policies else 86400
    for name, profile in list(cfg.profiles.items()):
        cfg.profiles[name] = replace(profile, lifetime=lifetime)
    return Ikev2Config(
        proposals={p.name: p for _, p, _ in policies},
        policies={p.name: (p.name,) for _, p, _ in policies},
        keyrings=cfg.keyrings,
        profiles=cfg.profiles,
        local_keys=cfg.local_keys,
        enabled_on=tuple(enabled),
        smart_defaults=False,
    )


def _add_group(cfg: Ikev2Config, peer: str, remote: str | None, local: str | None) -> None:
    """A tunnel group named by ``peer``'s address with IKEv2 keys: its profile and keys."""
    if remote is None and local is None:
        return
    net = ipaddress.IPv4Network(f"{peer}/32")
    cfg.profiles[peer] = Ikev2Profile(peer, (net,), "pre-share", "pre-share", peer, None)
    if remote is not None:
        cfg.keyrings[peer] = {peer: (net, remote)}
    if local is not None:
        cfg.local_keys[peer] = local
