"""``show running-config`` (and ``show startup-config``, ``more <file>``): crypto and failover parts.

Sample::

    hostname R1
    crypto isakmp policy 100
     hash md5
    crypto isakmp peer address 61.128.1.1
     set aggressive-mode password <secret>
    crypto isakmp aggressive-mode disable
    crypto map VPN1 10 ipsec-isakmp
     set peer 61.128.1.1
    interface FastEthernet0/0
     crypto map VPN1
    ip route 0.0.0.0 0.0.0.0 202.100.1.254 name ISP_1 track 1
    ip sla 1
     icmp-echo 202.100.1.254 source-interface FastEthernet0/0
    ip sla schedule 1 life forever start-time now
    track 1 ip sla 1 reachability
    event manager applet ISP1-DOWN
     event track 1 state down
    end

Lines are dispatched on their leading words; sections vpndiag does not model are skipped.
Secrets are never read into the model (see ``_secrets.mask_secrets`` for the text itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from nornir_tasks.models.config import (
    Acl,
    AclEntry,
    CryptoMap,
    CryptoMapEntry,
    EemApplet,
    Ikev2Keyring,
    Ikev2Policy,
    Ikev2Profile,
    Ikev2Proposal,
    InterfaceConfig,
    IpsecProfile,
    IsakmpKeepalive,
    IsakmpKey,
    IsakmpPeer,
    IsakmpPolicy,
    IsakmpProfile,
    Keyring,
    NatRule,
    RouteMapEntry,
    RunningConfig,
    SlaOperation,
    SlaSchedule,
    StaticRoute,
    TrackObject,
    TransformSet,
)
from nornir_tasks.parsers import _config_crypto as crypto
from nornir_tasks.parsers import _config_failover as failover
from nornir_tasks.parsers import _config_network as network
from nornir_tasks.parsers._common import raise_on_cli_error
from nornir_tasks.parsers._config_tree import ConfigNode, read_tree
from nornir_tasks.parsers._text import clean_lines
from nornir_tasks.parsers.asa_config import is_asa_config, parse_asa_config
from nornir_tasks.parsers.config_session import is_session, session_to_config
from nornir_tasks.parsers.registry import parser

COMMAND = "show running-config"


@dataclass
class _Draft:
    """What the scan has found so far."""

    hostname: str | None = None
    version: str | None = None
    isakmp_policies: list[IsakmpPolicy] = field(default_factory=list)
    isakmp_keys: list[IsakmpKey] = field(default_factory=list)
    keyrings: list[Keyring] = field(default_factory=list)
    keepalive: IsakmpKeepalive | None = None
    isakmp_profiles: list[IsakmpProfile] = field(default_factory=list)
    isakmp_peers: list[IsakmpPeer] = field(default_factory=list)
    aggressive_mode_disabled: bool = False
    ikev2_proposals: list[Ikev2Proposal] = field(default_factory=list)
    ikev2_policies: list[Ikev2Policy] = field(default_factory=list)
    ikev2_keyrings: list[Ikev2Keyring] = field(default_factory=list)
    ikev2_profiles: list[Ikev2Profile] = field(default_factory=list)
    transform_sets: list[TransformSet] = field(default_factory=list)
    map_entries: dict[tuple[str, bool], list[CryptoMapEntry]] = field(default_factory=dict)
    map_local: dict[str, str] = field(default_factory=dict)
    map_options: dict[str, list[str]] = field(default_factory=dict)
    ipsec_profiles: list[IpsecProfile] = field(default_factory=list)
    acls: dict[str, tuple[str, list[AclEntry]]] = field(default_factory=dict)
    static_routes: list[StaticRoute] = field(default_factory=list)
    slas: dict[int, SlaOperation] = field(default_factory=dict)
    schedules: dict[int, SlaSchedule] = field(default_factory=dict)
    tracks: dict[int, TrackObject] = field(default_factory=dict)
    applets: list[EemApplet] = field(default_factory=list)
    eem_user: str | None = None
    route_maps: list[RouteMapEntry] = field(default_factory=list)
    nat_rules: list[NatRule] = field(default_factory=list)
    interfaces: dict[str, InterfaceConfig] = field(default_factory=dict)
    aaa_commands: list[str] = field(default_factory=list)
    archive: bool = False
    archive_path: str | None = None
    scp_server: bool = False
    file_prompt_quiet: bool = False


def _words(node: ConfigNode, count: int) -> list[str]:
    """The node's words, padded so that indexes below ``count`` exist."""
    words = node.words()
    return words + [""] * (count - len(words))


def _crypto_map(draft: _Draft, node: ConfigNode) -> None:
    # crypto map NAME SEQ ipsec-isakmp / crypto map NAME local-address IF / crypto map NAME client
    words = _words(node, 5)
    name = words[2]
    if words[3].isdigit():
        draft.map_entries.setdefault((name, False), []).append(crypto.crypto_map_entry(node, 3))
    elif words[3] == "local-address":
        draft.map_local[name] = words[4]
    elif name:
        draft.map_options.setdefault(name, []).append(" ".join(words[3:]).strip())


def _dynamic_map(draft: _Draft, node: ConfigNode) -> None:
    # crypto dynamic-map NAME SEQ
    words = _words(node, 4)
    if words[3].isdigit():
        entry = replace(crypto.crypto_map_entry(node, 3), type=None)
        draft.map_entries.setdefault((words[2], True), []).append(entry)


def _named_acl(draft: _Draft, node: ConfigNode) -> None:
    # ip access-list extended NAME
    words = _words(node, 4)
    extended = words[2] == "extended"
    entries = [e for c in node.children if (e := network.acl_entry(c.text, extended))]
    draft.acls[words[3]] = (words[2], entries)


def _numbered_acl(draft: _Draft, node: ConfigNode) -> None:
    # access-list 101 permit ip any any
    words = _words(node, 3)
    kind = network.numbered_acl_kind(words[1])
    entry = network.acl_entry(" ".join(words[2:]), kind == "extended")
    if entry is not None:
        draft.acls.setdefault(words[1], (kind, []))[1].append(replace(entry, line=node.text))


def _ip_sla(draft: _Draft, node: ConfigNode) -> None:
    # ip sla 1 / ip sla monitor 1 / ip sla schedule 1 life forever ... / ip sla monitor schedule 1
    words = [w for w in node.words()[2:] if w != "monitor"]
    if words[:1] == ["schedule"] and len(words) > 1 and words[1].isdigit():
        draft.schedules[int(words[1])] = failover.sla_schedule(words[2:], node.text)
    elif words and words[0].isdigit() and len(words) == 1:
        draft.slas[int(words[0])] = failover.sla_operation(node, int(words[0]))


def _track(draft: _Draft, node: ConfigNode) -> None:
    # track 1 ip sla 1 reachability
    words = _words(node, 2)
    if words[1].isdigit():
        draft.tracks[int(words[1])] = failover.track_object(node, int(words[1]))


def _event_manager(draft: _Draft, node: ConfigNode) -> None:
    # event manager applet NAME / event manager session cli username U
    words = _words(node, 6)
    if words[2] == "applet":
        draft.applets.append(failover.eem_applet(node))
    elif words[2:5] == ["session", "cli", "username"]:
        draft.eem_user = words[5] or None


def _static_route(draft: _Draft, node: ConfigNode) -> None:
    route = failover.static_route(node)
    if route is not None:
        draft.static_routes.append(route)


def _nat(draft: _Draft, node: ConfigNode) -> None:
    rule = network.nat_rule(node)
    if rule is not None:
        draft.nat_rules.append(rule)


def _interface(draft: _Draft, node: ConfigNode) -> None:
    config = network.interface(node)
    draft.interfaces[config.name] = config


def _archive(draft: _Draft, node: ConfigNode) -> None:
    draft.archive = True
    draft.archive_path = network.node_text_after(node, "path ")


def _set_hostname(draft: _Draft, node: ConfigNode) -> None:
    draft.hostname = _words(node, 2)[1] or None


def _set_version(draft: _Draft, node: ConfigNode) -> None:
    draft.version = _words(node, 2)[1] or None


def _set_keepalive(draft: _Draft, node: ConfigNode) -> None:
    draft.keepalive = crypto.isakmp_keepalive(node)


def _append(
    attr: str, build: Callable[[ConfigNode], object]
) -> Callable[[_Draft, ConfigNode], None]:
    """A handler that appends ``build(node)`` to the draft list ``attr``."""

    def handle(draft: _Draft, node: ConfigNode) -> None:
        getattr(draft, attr).append(build(node))

    return handle


def _flag(attr: str) -> Callable[[_Draft, ConfigNode], None]:
    def handle(draft: _Draft, node: ConfigNode) -> None:
        setattr(draft, attr, True)

    return handle


def _aaa_commands(draft: _Draft, node: ConfigNode) -> None:
    draft.aaa_commands.append(node.text.removeprefix("aaa authorization commands ").strip())


# Leading words -> handler; the longest matching prefix wins.
_HANDLERS: dict[str, Callable[[_Draft, ConfigNode], None]] = {
    "hostname": _set_hostname,
    "version": _set_version,
    "crypto isakmp policy": _append("isakmp_policies", crypto.isakmp_policy),
    "crypto isakmp key": _append("isakmp_keys", crypto.isakmp_key),
    "crypto isakmp keepalive": _set_keepalive,
    "crypto isakmp profile": _append("isakmp_profiles", crypto.isakmp_profile),
    "crypto isakmp peer": _append("isakmp_peers", crypto.isakmp_peer),
    "crypto isakmp aggressive-mode disable": _flag("aggressive_mode_disabled"),
    "crypto keyring": _append("keyrings", crypto.keyring),
    "crypto ikev2 proposal": _append("ikev2_proposals", crypto.ikev2_proposal),
    "crypto ikev2 policy": _append("ikev2_policies", crypto.ikev2_policy),
    "crypto ikev2 keyring": _append("ikev2_keyrings", crypto.ikev2_keyring),
    "crypto ikev2 profile": _append("ikev2_profiles", crypto.ikev2_profile),
    "crypto ipsec transform-set": _append("transform_sets", crypto.transform_set),
    "crypto ipsec profile": _append("ipsec_profiles", crypto.ipsec_profile),
    "crypto map": _crypto_map,
    "crypto dynamic-map": _dynamic_map,
    "ip access-list extended": _named_acl,
    "ip access-list standard": _named_acl,
    "access-list": _numbered_acl,
    "ip route": _static_route,
    "ip sla": _ip_sla,
    "track": _track,
    "event manager": _event_manager,
    "route-map": _append("route_maps", network.route_map_entry),
    "ip nat inside": _nat,
    "ip nat outside": _nat,
    "interface": _interface,
    "aaa authorization commands": _aaa_commands,
    "archive": _archive,
    "ip scp server enable": _flag("scp_server"),
    "file prompt quiet": _flag("file_prompt_quiet"),
}


def _dispatch(draft: _Draft, node: ConfigNode) -> None:
    words = node.words()
    for count in (4, 3, 2, 1):
        handler = _HANDLERS.get(" ".join(words[:count])) if len(words) >= count else None
        if handler is not None:
            handler(draft, node)
            return


def _crypto_maps(draft: _Draft) -> tuple[CryptoMap, ...]:
    names = list(dict.fromkeys([*draft.map_entries, *((n, False) for n in draft.map_options)]))
    applied: dict[str, list[str]] = {}
    for interface in draft.interfaces.values():
        if interface.crypto_map:
            applied.setdefault(interface.crypto_map, []).append(interface.name)
    return tuple(
        CryptoMap(
            name=name,
            dynamic=dynamic,
            entries=tuple(sorted(draft.map_entries.get((name, dynamic), []), key=lambda e: e.seq)),
            interfaces=() if dynamic else tuple(applied.get(name, [])),
            local_address=None if dynamic else draft.map_local.get(name),
            options=() if dynamic else tuple(draft.map_options.get(name, [])),
        )
        for name, dynamic in names
    )


def _freeze(draft: _Draft, complete: bool) -> RunningConfig:
    slas = {k: replace(v, schedule=draft.schedules.get(k)) for k, v in draft.slas.items()}
    return RunningConfig(
        hostname=draft.hostname,
        version=draft.version,
        isakmp_policies=tuple(draft.isakmp_policies),
        isakmp_keys=tuple(draft.isakmp_keys),
        keyrings=tuple(draft.keyrings),
        isakmp_keepalive=draft.keepalive,
        isakmp_profiles=tuple(draft.isakmp_profiles),
        isakmp_peers=tuple(draft.isakmp_peers),
        aggressive_mode_disabled=draft.aggressive_mode_disabled,
        ikev2_proposals=tuple(draft.ikev2_proposals),
        ikev2_policies=tuple(draft.ikev2_policies),
        ikev2_keyrings=tuple(draft.ikev2_keyrings),
        ikev2_profiles=tuple(draft.ikev2_profiles),
        transform_sets=tuple(draft.transform_sets),
        crypto_maps=_crypto_maps(draft),
        ipsec_profiles=tuple(draft.ipsec_profiles),
        acls={n: Acl(n, kind, tuple(entries)) for n, (kind, entries) in draft.acls.items()},
        static_routes=tuple(draft.static_routes),
        ip_slas=slas,
        tracks=dict(draft.tracks),
        eem_applets=tuple(draft.applets),
        eem_session_user=draft.eem_user,
        route_maps=tuple(draft.route_maps),
        nat_rules=tuple(draft.nat_rules),
        interfaces=dict(draft.interfaces),
        aaa_authorization_commands=tuple(draft.aaa_commands),
        archive=draft.archive,
        archive_path=draft.archive_path,
        scp_server=draft.scp_server,
        file_prompt_quiet=draft.file_prompt_quiet,
        complete=complete,
    )


@parser("show running-config")
@parser("show running-config ...")
@parser("show startup-config")
@parser("more ...")
def parse_running_config(text: str) -> RunningConfig:
    """Parse a configuration: crypto, failover and management facts (never a secret)."""
    lines = clean_lines(text)
    if is_session(lines):  # typed at the prompt: the configuration it stands for, ASA or IOS
        text = "\n".join(session_to_config(lines))
        lines = clean_lines(text)
    raise_on_cli_error(COMMAND, lines)
    if is_asa_config(text):
        return parse_asa_config(text)
    draft = _Draft()
    for node in read_tree(text):
        _dispatch(draft, node)
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return _freeze(draft, complete=last == "end")
