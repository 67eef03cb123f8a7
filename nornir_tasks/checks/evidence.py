"""The evidence the rules read: each host's parsed outputs (and an earlier poll), and the fleet.

Outputs are keyed by canonical command: the registered parser pattern with its arguments filled
in (``sh cry isa sa`` -> ``show crypto isakmp sa``, ``sh ip ro 10.4.0.1`` -> ``show ip route
10.4.0.1``, ``show logging | include X`` -> ``show logging``, ``debug crypto isakmp`` ->
``debug crypto isakmp``). Build a host with ``host_evidence`` (live side and offline alike).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

from nornir_tasks.checks.addresses import learnt, mapped_to, own_addresses
from nornir_tasks.checks.flows import Traffic, dedupe_flows, name_lone_peer, traffic
from nornir_tasks.checks.ike import IkeRow, ike_rows
from nornir_tasks.checks.logview import PeerEvent, attribute
from nornir_tasks.checks.model_names import (
    CRYPTO_SESSIONS,
    IKEV2_SA_TABLE,
    RUNNING_CONFIG,
    VPN_SESSIONS,
    Model,
    is_model,
    type_name,
)
from nornir_tasks.models.collection import CommandOutput, HostCollection, OutputStatus
from nornir_tasks.models.findings import Finding
from nornir_tasks.models.ipsec import IpsecFlow, IpsecSaTable
from nornir_tasks.models.isakmp import IsakmpSaTable
from nornir_tasks.models.logs import LogStream
from nornir_tasks.parsers import (
    ParseError,
    UnknownCommandError,
    clean_device_text,
    parse_result,
    resolve,
)

if TYPE_CHECKING:  # recognised by name (``model_names``)
    from nornir_tasks.models.config import RunningConfig
    from nornir_tasks.parsers.repeats import Repeat

T = TypeVar("T")

# Needs (globs over canonical commands) shared by many rules.
ISAKMP = ("show crypto isakmp sa*", "show crypto ikev1 sa*")
IPSEC = ("show crypto ipsec sa*",)
SESSION = ("show crypto session*",)
CRYPTO_MAP = ("show crypto map*",)
CONFIG = ("show running-config", "show startup-config", "more")
LOGS = ("show logging", "debug crypto *")


def canonical(command: str) -> str:
    """The register pattern of ``command`` with its ``*`` arguments filled in, ``...`` dropped.

    Raises ``UnknownCommandError`` when no parser is registered for the command.
    """
    pattern, _ = resolve(command)
    typed = command.split("|", 1)[0].split()
    words = []
    for index, word in enumerate(pattern.split()):
        if word == "...":
            break
        words.append(typed[index] if word == "*" and index < len(typed) else word)
    return " ".join(words)


class _Memo:
    """``memo(name, compute)``: ``compute()`` once per instance. On the fleet, an index a
    check would otherwise rebuild for every host (checks that look at every other host made
    diagnosis quadratic in the fleet); on a host, a reading several checks ask for per peer."""

    @cached_property
    def _memos(self) -> dict[str, Any]:
        return {}

    def memo(self, name: str, compute: Callable[[], T]) -> T:
        if name not in self._memos:
            self._memos[name] = compute()
        return cast("T", self._memos[name])


@dataclass(frozen=True)
class HostEvidence(_Memo):
    """What is known about one host: canonical command -> parsed model (and raw text)."""

    host: str
    outputs: Mapping[str, Any]
    raw: Mapping[str, str] = field(default_factory=dict)
    addresses: frozenset[str] = frozenset()
    previous: Mapping[str, Any] | None = None  # an earlier poll, for counter deltas
    interval_s: float | None = None  # seconds between ``previous`` and ``outputs``
    previous_raw: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # outputs that could not be read (command: reason)
    # canonical command -> (line number, text) of the lines its parser did not recognise
    unparsed: Mapping[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    # canonical command -> its output given more than once in a paste (``parsers.repeats``)
    repeated: Mapping[str, Repeat] = field(default_factory=dict)

    def has(self, need: str) -> bool:
        """True when an output matches ``need`` (a canonical command or a glob)."""
        return _matches(self._keys, need)

    @cached_property
    def _keys(self) -> frozenset[str]:
        return frozenset(self.outputs)

    def models(self, kind: type[T] | Model[T], previous: bool = False) -> list[T]:
        """Every parsed output of type ``kind`` (current poll, or the previous one); a
        ``Model`` reference finds none, without importing it, while its module is not imported.

        An ASA ``show vpn-sessiondb [detail] l2l`` answers for ``CryptoSessionTable`` too: both
        are the sessions per peer, with their IKE and IPsec SAs and counters.
        """
        source = (self.previous or {}) if previous else self.outputs
        cls = kind.loaded() if isinstance(kind, Model) else kind
        found = [value for value in source.values() if isinstance(value, cls)] if cls else []
        asa = [v for v in source.values() if is_model(v, VPN_SESSIONS)]
        name = kind.name if isinstance(kind, Model) else type_name(kind)
        if name == CRYPTO_SESSIONS and asa:
            from nornir_tasks.models.vpn_sessiondb import as_crypto_sessions  # imported: asa

            found += cast(list[T], [as_crypto_sessions(v) for v in asa])
        return found

    def first(self, kind: type[T] | Model[T]) -> T | None:
        found = self.models(kind)
        return found[0] if found else None

    @cached_property
    def config(self) -> RunningConfig | None:
        found = [value for value in self.outputs.values() if is_model(value, RUNNING_CONFIG)]
        return cast("RunningConfig", found[0]) if found else None

    @cached_property
    def ike(self) -> tuple[IkeRow, ...]:
        """Phase-1 SAs (IKEv1 tables) with the peer and this host's role worked out."""
        return ike_rows(self.models(IsakmpSaTable), self.addresses)

    @cached_property
    def previous_ike(self) -> tuple[IkeRow, ...]:
        return ike_rows(self.models(IsakmpSaTable, previous=True), self.addresses)

    @cached_property
    def flows(self) -> tuple[IpsecFlow, ...]:
        return name_lone_peer(dedupe_flows(self.models(IpsecSaTable)), self._ike_peers)

    @cached_property
    def _ike_peers(self) -> set[str]:
        """The IKE peers of the IKEv1 and IKEv2 tables (to name flows a paste left peerless)."""
        v2 = {sa.remote for t in self.models(IKEV2_SA_TABLE) for sa in t.sas if sa.remote}
        return {r.peer for r in self.ike if r.peer} | v2

    @cached_property
    def traffic(self) -> tuple[Traffic, ...]:
        """Every IPsec flow with its counters as deltas (two polls) or totals (one poll)."""
        before = None
        if self.previous:
            flows = dedupe_flows(self.models(IpsecSaTable, previous=True))
            before = name_lone_peer(flows, self._ike_peers)
        return traffic(self.flows, before)

    @cached_property
    def events(self) -> tuple[PeerEvent, ...]:
        """Every log/debug line of every stream, in order, with the peer it concerns."""
        conn_peers = {
            sa.conn_id: flow.current_peer
            for flow in self.flows
            for sa in flow.sas
            if sa.conn_id is not None and flow.current_peer
        }
        return attribute(self.models(LogStream), self.addresses, conn_peers)

    @cached_property
    def _events_by_peer(self) -> dict[str | None, tuple[PeerEvent, ...]]:
        grouped: dict[str | None, list[PeerEvent]] = {}
        for e in self.events:
            grouped.setdefault(e.peer, []).append(e)
        return {peer: tuple(events) for peer, events in grouped.items()}

    def events_for(self, peer: str) -> tuple[PeerEvent, ...]:
        """The events about ``peer``, in order."""
        return self._events_by_peer.get(peer, ())

    def raw_of(self, need: str, previous: bool = False) -> list[tuple[str, str]]:
        """(canonical command, raw text) of every output matching ``need``."""
        source = self.previous_raw if previous else self.raw
        return [(k, v) for k, v in source.items() if fnmatch.fnmatchcase(k, need)]


@dataclass(frozen=True)
class FleetEvidence(_Memo):
    """The hosts diagnosed together; peers are matched to hosts by address."""

    hosts: tuple[HostEvidence, ...]
    cpu_percent: float | None = None  # the playbook's CPU limit (checks.thresholds)
    findings: tuple[Finding, ...] = ()  # the first pass's, for checks that read findings

    @cached_property
    def _owners(self) -> dict[str, HostEvidence]:
        return {a: h for h in self.hosts for a in h.addresses}

    @cached_property
    def _by_name(self) -> dict[str, HostEvidence]:
        # The first of a name wins, as the linear search it replaces did.
        return {h.host: h for h in reversed(self.hosts)}

    def owner_of(self, address: str | None) -> HostEvidence | None:
        """The host that owns ``address`` (one of its interface addresses), if in the fleet."""
        return self._owners.get(address) if address else None

    def host(self, name: str) -> HostEvidence | None:
        return self._by_name.get(name)


@lru_cache(maxsize=8192)
def _matches(keys: frozenset[str], need: str) -> bool:
    """Whether a key matches ``need``: asked for every check of every host, and hosts share
    a few sets of commands (run once per set, not 150 globs per host)."""
    return any(fnmatch.fnmatchcase(key, need) for key in keys)


# -- building ------------------------------------------------------------------------------


def _parse(output: CommandOutput) -> tuple[str, Any, tuple[tuple[int, str], ...]] | str:
    """(canonical key, model, lines not recognised), or the reason it could not be read."""
    try:
        key = canonical(output.command)
        if output.parsed is not None:
            return key, output.parsed, output.unparsed
        result = parse_result(output.command, output.raw)
    except (ParseError, UnknownCommandError) as exc:
        return f"{output.command}: {exc}"
    return key, result.value, result.unparsed


def _merge_logs(first: LogStream, second: LogStream) -> LogStream:
    seen = {e.line for e in first.events if e.time}
    extra = tuple(e for e in second.events if not (e.time and e.line in seen))
    return LogStream(
        header=first.header or second.header,
        buffer_bytes=first.buffer_bytes or second.buffer_bytes,
        events=first.events + extra,
        complete=first.complete and second.complete,
    )


@dataclass
class _Polls:
    current: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    earlier: dict[str, Any] = field(default_factory=dict)
    earlier_raw: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    unparsed: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)

    def add(self, output: CommandOutput) -> None:
        # The raw text is what findings quote: cleaned of terminal artefacts like the parse input.
        output = replace(output, raw=clean_device_text(output.raw))
        parsed = _parse(output)
        if isinstance(parsed, str):
            self.problems.append(parsed)
            return
        key, model, unparsed = parsed
        if unparsed:
            self.unparsed[key] = self.unparsed.get(key, ()) + unparsed
        known = self.current.get(key)
        if isinstance(known, LogStream) and isinstance(model, LogStream):
            self.current[key] = _merge_logs(known, model)
            self.raw[key] = self.raw[key] + "\n" + output.raw
            return
        if known is not None:  # the same command again: the earlier one is the previous poll
            self.earlier[key], self.earlier_raw[key] = known, self.raw[key]
        self.current[key], self.raw[key] = model, output.raw


def host_evidence(
    host: str,
    outputs: Sequence[CommandOutput],
    previous: Sequence[CommandOutput] = (),
    interval_s: float | None = None,
    repeated: Mapping[str, Repeat] | None = None,
) -> HostEvidence:
    """Parse (where not parsed yet) and key the outputs of one host.

    A command given twice in ``outputs`` is two polls: the earlier one becomes ``previous``
    unless ``previous`` is given. Log streams (``show logging``, debug captures) are merged.
    Unreadable outputs are listed in ``problems``, not raised. ``repeated``: what a paste
    held more than once (the caller counted identical copies once).
    """
    polls = _Polls()
    for output in outputs:
        polls.add(output)
    earlier = _Polls()
    for output in previous:
        earlier.add(output)
    before = earlier.current or polls.earlier
    before_raw = earlier.raw or polls.earlier_raw
    return HostEvidence(
        host=host,
        outputs=polls.current,
        raw=polls.raw,
        addresses=own_addresses(polls.current),
        previous=before or None,
        interval_s=interval_s,
        previous_raw=before_raw,
        problems=tuple(polls.problems + earlier.problems),
        unparsed=polls.unparsed,
        repeated=dict(repeated or {}),
    )


def from_collection(
    collection: HostCollection,
    previous: HostCollection | None = None,
    interval_s: float | None = None,
) -> HostEvidence:
    """A host's evidence from what ``collect_crypto_state`` brought back (and an earlier poll)."""

    def usable(c: HostCollection | None) -> list[CommandOutput]:
        outputs = c.outputs if c is not None else ()
        return [o for o in outputs if o.status is OutputStatus.OK]

    return host_evidence(collection.host, usable(collection), usable(previous), interval_s)


def fleet_evidence(
    hosts: Sequence[HostEvidence], cpu_percent: float | None = None
) -> FleetEvidence:
    """The fleet, each host's addresses completed from the others' (a ``dst src`` row names
    both ends: the one another host owns is the peer, so the other one is this host's; two
    crypto maps naming each other's end do too)."""
    owners = {a: h.host for h in hosts for a in h.addresses}
    completed = []
    for host in hosts:
        extra = learnt(host, owners) | mapped_to(host, hosts, owners)
        completed.append(replace(host, addresses=host.addresses | extra) if extra else host)
    return FleetEvidence(tuple(completed), cpu_percent)
