"""Offline diagnosis input: split pasted captures into (host, command, text) blocks.

Engineers paste any mix of show outputs, debug and syslog text, with or without prompts. The
command of a block comes from its prompt line (``R1#show crypto isakmp sa``, abbreviations
too), else from the output's own header (``IPv4 Crypto ISAKMP SA``, ``interface: X`` +
``Crypto map tag:``, ``Crypto session current status``, ``Crypto Map IPv4 "X"``, ...); log and
debug lines (time stamps, ``ISAKMP``/``IPSEC``/``%CRYPTO``/``%ASA`` prefixes) form log blocks,
also when they are interleaved with show output. The host is the prompt's, else the file's.

Saved evidence (``--save-evidence DIR``) is ``DIR/<host>/<command with spaces as _>.txt``; a
file holding the same command twice (two prompts, each poll marked ``! vpndiag: poll N``) is
two polls, the first being the earlier. A command whose output is given twice, in one paste
or several, is read once when the copies are the same and as polls when they differ
(``parsers.repeats``).
Pure: text in, blocks and fleet evidence out (the CLI reads the files).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from nornir_tasks.checks.evidence import FleetEvidence, fleet_evidence, host_evidence
from nornir_tasks.diagnose_polls import read_once
from nornir_tasks.parsers import UnknownCommandError, clean_device_text, resolve
from nornir_tasks.parsers.config_session import CONFIG_PROMPT, EXEC_COMMAND, session_line
from nornir_tasks.parsers.log_conditions import condition_of
from nornir_tasks.parsers.log_lines import has_message
from nornir_tasks.parsers.repeats import is_log_command, leads_output

LOG_COMMAND = "debug crypto isakmp"

# R1#show crypto isakmp sa / ASA1# sh cry isa sa / Hub-RTR(config)#ip route ... / R1#
_PROMPT = re.compile(r"^\s*(?P<host>[A-Za-z0-9][\w.\-/]{0,62})(?:\([\w\-]+\))?[#>] ?(?P<cmd>.*)$")
# *Oct 25 18:50:01.497: / 000123: Jun 19 03:02:31: / Jun 10 2010 17:36:05: / 1d02h: / 00:12:33:
_TIMESTAMP = re.compile(
    r"^\s*(?:\d{1,12}:\s+)?[*.]?(?:[A-Z][a-z]{2}\s+\d{1,2}(?:\s+\d{4})?\s+\d{1,2}:\d{2}:\d{2}"
    r"|\d+[wdh]\d+[dhm]:|\d{2}:\d{2}:\d{2}(?:\.\d+)?:)"
)
# ISAKMP:(0): / ISAKMP (0:9577): / IPSEC(validate_proposal): / IKEv2:(SESSION ID = 1,...) /
# [IKEv1]: / %CRYPTO-4-RECVD_PKT_INV_SPI: / %ASA-5-713904: / IP = 1.2.3.4, / Group = G, IP = ...
_DEBUG = re.compile(
    r"^(?:ISAKMP|IPSEC\(|IPsec\(|IKEv[12][:(-]|\[IKEv|%[A-Z][A-Z0-9_]*-\d-|IP = |Group = )"
)

# Output headers -> the command that prints them (first match wins). Compiled with the other
# header patterns by the first line no prompt names (``_patterns``): text with prompts needs none.
_HEADER_TEXTS: tuple[tuple[str, str], ...] = (
    (
        r"^\s*(?:IPv4 Crypto ISAKMP SA|dst\s+src\s+state\s+conn-id|C-id\s+Local\s+Remote)",
        "show crypto isakmp sa",
    ),
    (r"^\s*(?:Codes: C - IKE configuration mode)", "show crypto isakmp sa detail"),
    (r"^\s*Session Type: LAN-to-LAN", "show vpn-sessiondb detail l2l"),
    (r"^There are no IKEv2 SAs", "show crypto ikev2 sa"),
    # show dmvpn [detail]: the legend, or an interface section when pasted without it
    (
        r"^Legend: Attrb --> S - Static|^Interface: Tunnel\S+, IPv[46] NHRP Details"
        r"|^Interface Tunnel\S+ is [^,]+, Addr\. is ",
        "show dmvpn detail",
    ),
    (r"^\d+\.\d+\.\d+\.\d+/\d+ via \d+\.\d+\.\d+\.\d+\s*$", "show ip nhrp"),
    (
        r"^\s*(?:Target\s+Via\s+NBMA\s+Mode|Intf\s+NextHop Address\s+NBMA Address"
        r"|NOTE: Link-Local, No-socket and Incomplete entries are not displayed)",
        "show ip nhrp brief",
    ),
    (r"^Code: C - IKE Configuration mode|^Interface: \S+\s*$", "show crypto session detail"),
    (r"^ID\s+Type\s+Destination\s+State\s+Stats", "show ip sla summary"),
    (r"^\s*VPN Session Summary", "show vpn-sessiondb summary"),
    (r"^\s*(?:IKEv1 SAs:|IKE Peer\s+Type\s+Dir)", "show crypto isakmp sa"),
    (
        r"^\s*(?:IPv4 Crypto IKEv2\s+SA|Tunnel-id\s+Local\s+Remote|IKEv2 SAs:)",
        "show crypto ikev2 sa",
    ),
    (r"^Crypto session current status", "show crypto session detail"),
    (r"^EXCHANGE/NOTIFY\s+TX\(REQ\)", "show crypto ikev2 stats exchange"),
    (r'^Crypto Map (?:IPv[46] )?"', "show crypto map"),
    (r"^\s*(?:CA |Router Self-Signed )?Certificate\s*$", "show crypto pki certificates"),
    (
        r"^(?:Building configuration|Current configuration\s*:|! Last configuration change"
        r"|version \d|hostname \S+$)",
        "show running-config",
    ),
    (r"^Interface\s+IP-Address\s+OK\?", "show ip interface brief"),
    (r"^\S+ is (?:up|down|administratively down),\s+line protocol is ", "show interfaces"),
    # The legend, or (pasted without it) the gateway line that follows it; a device without
    # ip routing prints only its default gateway.
    (
        r"^Codes: L - local|^Codes: C - connected|^Gateway of last resort is "
        r"|^Default gateway is \d",
        "show ip route",
    ),
    (r"^Syslog logging:", "show logging"),
    (r"^Track \d+\s*$", "show track"),
    (r"^IP ?SLAs Latest Operation Summary", "show ip sla summary"),
    (r"^IP ?SLAs Latest Operation Statistics|^IP ?SLA operation id:", "show ip sla statistics"),
    (
        r"^Entry [Nn]umber:|^IP SLAs? Infrastructure Engine|^IP SLAs Configuration:",
        "show ip sla configuration",
    ),
    (r"^No\.\s+Job Id\s+Proc\s+Status", "show event manager history events"),
    (r"^No\.\s+Class\s+Type\s+Event Type", "show event manager policy registered"),
    (r"^CPU utilization for 5 seconds = ", "show cpu usage"),
    (r"^(?:Frame|Flow) drop:$", "show asp drop"),
    (r"^Phase:\s*\d+$", "packet-tracer input"),
    (r"^(?:ASA Version |: Saved$)", "show running-config"),
    (r"^(?:Core \d+: )?CPU utilization for five seconds", "show processes cpu"),
)
# A configuration excerpt pasted without "Building configuration..." (show run interface X,
# show run | section crypto, ASA show run crypto map / tunnel-group / object network): its first
# top-level command says it. Lower case, so no show output's title matches, and unindented
# (matched on the line as printed): ASA show crypto ipsec sa indents "access-list X extended".
_CONFIG_EXCERPT = (
    r"^(?:interface [A-Za-z][\w./:-]*\d\S*(?: type \w+| point-to-point| multipoint)?\s*$"
    r"|crypto (?:map|dynamic-map|isakmp|ikev[12]|ipsec|keyring) \S"
    r"|tunnel-group \S+ (?:type|general-attributes|ipsec-attributes)"
    r"|group-policy \S+ (?:internal|attributes)|ip route (?:vrf \S+ )?\d"
    r"|event manager applet \S|track \d+ (?:ip|interface|list|rtr) "
    r"|object(?:-group)? (?:network|service) \S|access-group \S+ (?:in|out) interface "
    r"|access-list \S+ (?:extended|standard|permit|deny|remark) "
    r"|ip access-list (?:extended|standard) \S)"
)
# interface: Ethernet0/0 (followed by "Crypto map tag:" within two lines)
_IPSEC_INTERFACE = re.compile(r"^\s*interface: \S+")
# Routing entry for 10.4.0.0/24 / % Network not in table
_ROUTE_ENTRY = re.compile(r"^Routing entry for (\d+\.\d+\.\d+\.\d+)")
_ROUTE_MISSING = re.compile(r"^% (?:Network|Subnet) not in table")
_HOSTNAME = re.compile(r"^hostname (\S+)", re.M)
# Type escape sequence to abort.  (then "Sending 2, 1400-byte ICMP Echos to 172.31.8.1, ...")
# (an IPv6 ping out of an interface starts "Output Interface: TenGigabitEthernet1/0/5")
_PING = re.compile(r"^(?:Type escape sequence to abort\.|Output Interface: \S+$)")
_PING_SENDING = re.compile(r"^Sending \d+, \d+-byte ICMP Echos to ([\w.:]+),")
# First lines printed once per output: seen again inside the same block, a new poll begins.
_ONCE = re.compile(r"^\s*(?:IPv4 Crypto ISAKMP SA|IKEv1 SAs:|Crypto session current status)")


@dataclass(frozen=True)
class Block:
    """One command's output on one host."""

    host: str
    command: str
    text: str
    typed: bool = False  # ``command`` is as typed at the block's prompt


@dataclass
class _Open:
    host: str
    command: str | None  # None: free text, commands found by header
    lines: list[str] = field(default_factory=list)
    typed: bool = False  # opened by a prompt line with ``command`` typed at it
    session: bool = False  # configuration typed in configuration mode (prompts stripped)


def is_log_line(line: str) -> bool:
    stripped = line.lstrip()
    return bool(_TIMESTAMP.match(line) or _DEBUG.match(stripped) or has_message(line))


def _continues_log(previous: str, line: str) -> bool:
    """``line`` belongs to the log line before it: indented, or the unindented packet headers,
    payload lists and policy dumps IKEv2 debug prints, or an ASA message a paste wrapped."""
    if not line.strip():
        return False
    return line[:1] in (" ", "\t") or "IKEv2" in previous or "%ASA-" in previous


def known(command: str) -> bool:
    try:
        resolve(command)
    except UnknownCommandError:
        return False
    return True


def _segments(text: str, host: str, command: str | None) -> list[_Open]:
    """Cut the text at prompt lines; a prompt with a known command opens a block of it."""
    segments = [_Open(host, command)]
    conditions: list[str] = []  # "debug crypto condition ..." typed: for the next debug block
    for line in text.replace("\r", "").split("\n"):
        # only a line with "#" or ">" can be a prompt: most lines skip the regex
        m = _PROMPT.match(line) if ("#" in line or ">" in line) else None
        if m and not is_log_line(line):
            if _typed_config(segments, line):
                continue
            cmd = m["cmd"].strip()
            if condition_of(cmd) is not None:
                conditions.append(cmd)
                continue
            typed = cmd if cmd and known(cmd) else None
            segments.append(_Open(m["host"], typed, typed=typed is not None))
            if _is_log(segments[-1].command):
                segments[-1].lines, conditions = conditions, []
            continue
        if segments[-1].session and line.strip():  # a reply to a typed command, not config
            segments.append(_Open(segments[-1].host, None))
        segments[-1].lines.append(line)
    kept = [s for s in segments if any(line.strip() for line in s.lines) or s.command]
    return _owned_by_the_only_prompt(kept, segments[0])


def _typed_config(segments: list[_Open], line: str) -> bool:
    """A command typed in configuration mode (``R1(config-if)#crypto map M``) is configuration:
    it goes to the host's configuration block (``exit``/``end`` dropped); ``do sh ...`` is not."""
    m = CONFIG_PROMPT.match(line) if ")#" in line else None
    if m is None or EXEC_COMMAND.match(m["cmd"]):
        return False
    config = session_line(m["mode"], m["cmd"])
    last = segments[-1]
    if config is not None:
        if not (last.session and last.host == m["host"]):
            segments.append(_Open(m["host"], "show running-config", session=True))
        segments[-1].lines.append(config)
    return True


def _owned_by_the_only_prompt(segments: list[_Open], before: _Open) -> list[_Open]:
    """Text before the first prompt (``before``) belongs to the router whose prompts the
    capture shows, when it shows exactly one: a debug pasted above ``R4#undebug all`` is R4's,
    not a second host named after the file. With several routers its owner stays unknown."""
    if not segments or segments[0] is not before:
        return segments
    prompts = {s.host for s in segments[1:]}
    if len(prompts) != 1:
        return segments
    return [replace(before, host=prompts.pop()), *segments[1:]]


class _Patterns:
    """The header patterns, compiled (about 40 M instructions, 0.012 s of an idle core)."""

    def __init__(self) -> None:
        self.headers = tuple((re.compile(p), c) for p, c in _HEADER_TEXTS)
        self.config_excerpt = re.compile(_CONFIG_EXCERPT)
        # Any header, in one regex: most lines are none, and one failed match is far cheaper
        # than thirty (a 50 MB paste has a million lines).
        others = (_IPSEC_INTERFACE, _ROUTE_ENTRY, _ROUTE_MISSING, _PING)
        texts = (*(p for p, _ in _HEADER_TEXTS), *(p.pattern for p in others))
        self.any_header = re.compile("|".join(f"(?:{p})" for p in texts))


@functools.cache
def _patterns() -> _Patterns:
    return _Patterns()


def _header(lines: list[str], index: int) -> str | None:
    line = lines[index].lstrip()
    patterns = _patterns()
    if not patterns.any_header.match(line):
        return "show running-config" if patterns.config_excerpt.match(lines[index]) else None
    for pattern, command in patterns.headers:
        if pattern.match(line):
            return command
    if _IPSEC_INTERFACE.match(line) and any(
        "Crypto map tag" in s for s in lines[index + 1 : index + 3]
    ):
        return "show crypto ipsec sa"
    if m := _ROUTE_ENTRY.match(line):
        return f"show ip route {m[1]}"
    if _ROUTE_MISSING.match(line):
        return "show ip route 0.0.0.0"
    if _PING.match(line):  # "Sending 5, 100-byte ICMP Echos to A, ..." on one of the next two
        sent = (_PING_SENDING.match(s.strip()) for s in lines[index + 1 : index + 3])
        return next((f"ping {m[1]}" for m in sent if m), None)
    return None


@functools.lru_cache(maxsize=256)
def _is_log(command: str | None) -> bool:
    return command is not None and is_log_command(command)


def _starts_block(current: _Open | None, command: str, line: str) -> bool:
    """A header opens a new block unless it repeats inside the same output (a 2nd interface,
    track or map entry); a table's first line seen again is a second poll."""
    if current is None:
        return True
    if current.command == "show dmvpn detail" and command == "show crypto session detail":
        return False  # its "Crypto Session Details" list sessions as "Interface: TunnelN"
    if current.command != command:
        return True
    return bool(_ONCE.match(line)) and sum(1 for s in current.lines if s.strip()) > 2


def _close(blocks: list[Block], current: _Open | None) -> None:
    if current is not None:
        blocks.append(Block(current.host, current.command or LOG_COMMAND, "\n".join(current.lines)))


def _leading_lines(current: _Open) -> list[str]:
    """The exec timestamps at the end of ``current``: they were printed before the next output."""
    head: list[str] = []
    while current.lines and leads_output(current.lines[-1]):
        head.insert(0, current.lines.pop())
    return head


def _split_free(segment: _Open) -> list[Block]:
    """Blocks found by header inside text that no prompt names; log lines go to a log block."""
    blocks: list[Block] = []
    current: _Open | None = None
    logs: list[str] = []
    last_log = False
    previous = ""
    before = _Open(segment.host, None)  # exec timestamps before the first block
    for index, line in enumerate(segment.lines):
        command = _header(segment.lines, index)
        if command is not None and _starts_block(current, command, line):
            head = _leading_lines(current or before)
            _close(blocks, current)
            current, last_log = _Open(segment.host, command, [*head, line]), False
        elif current is not None and _is_log(current.command):
            current.lines.append(line)
        elif is_log_line(line) or (last_log and _continues_log(previous, line)):
            logs.append(line)
            last_log = True
            previous = line if is_log_line(line) else previous
        else:
            (current or before).lines.append(line)
            last_log = False
    _close(blocks, current)
    if logs:
        blocks.append(Block(segment.host, LOG_COMMAND, "\n".join(logs)))
    return blocks


def _split_known(segment: _Open) -> list[Block]:
    """A prompt-named block; log lines interleaved by ``terminal monitor`` go to a log block."""
    assert segment.command is not None
    if _is_log(segment.command):
        return [Block(segment.host, segment.command, "\n".join(segment.lines))]
    body = [s for s in segment.lines if not is_log_line(s)]
    logs = [s for s in segment.lines if is_log_line(s)]
    out = [Block(segment.host, segment.command, "\n".join(body), segment.typed)]
    return out + ([Block(segment.host, LOG_COMMAND, "\n".join(logs))] if logs else [])


def split_capture(text: str, host: str, command: str | None = None) -> list[Block]:
    """Split one capture; ``host`` names text before any prompt, ``command`` the whole file."""
    blocks: list[Block] = []
    for segment in _segments(text, host, command):
        blocks += _split_known(segment) if segment.command else _split_free(segment)
    return blocks


@dataclass(frozen=True)
class Capture:
    """One input: its text, the host it defaults to, and the command when the name says it."""

    name: str
    text: str
    command: str | None = None
    host_known: bool = False  # saved evidence: the folder names the host, whatever the config says


def command_from_name(stem: str) -> str | None:
    """``show_crypto_isakmp_sa`` -> ``show crypto isakmp sa`` when a parser is registered."""
    command = stem.replace("_", " ").strip()
    return command if command and known(command) else None


def _host_name(capture: Capture) -> str:
    """A configuration in the capture names its host; otherwise the capture's name does."""
    m = None if capture.host_known else _HOSTNAME.search(capture.text)
    return m[1] if m else capture.name


def fleet_from_captures(captures: Sequence[Capture]) -> tuple[FleetEvidence, tuple[str, ...]]:
    """Split every capture, group blocks per host, parse them. Returns (fleet, problems)."""
    per_host: dict[str, list[Block]] = {}
    for capture in captures:
        capture = replace(capture, text=clean_device_text(capture.text))  # before any reading
        for block in split_capture(capture.text, _host_name(capture), capture.command):
            per_host.setdefault(block.host, []).append(block)
    hosts = []
    problems: list[str] = []
    for name, blocks in per_host.items():
        outputs, repeated = read_once(blocks, _is_log)
        evidence = host_evidence(name, outputs, repeated=repeated)
        problems += [f"{name}: {p}" for p in evidence.problems]
        if evidence.outputs:
            hosts.append(evidence)
    return fleet_evidence(hosts), tuple(problems)
