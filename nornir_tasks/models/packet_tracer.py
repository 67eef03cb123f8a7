"""ASA ``packet-tracer input ...``: the phases a simulated packet went through, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TracePhase:
    """``Phase: 3`` / ``Type: NAT`` / ``Subtype:`` / ``Result: ALLOW`` / ``Config:`` ... lines."""

    number: int
    type: str  # "ROUTE-LOOKUP", "NAT", "UN-NAT", "VPN", "ACCESS-LIST", "FLOW-CREATION"
    subtype: str  # "encrypt", "ipsec-tunnel-flow", "Resolve Egress Interface", ""
    result: str  # "ALLOW", "DROP"
    config: tuple[str, ...]  # the configuration lines the phase matched
    info: tuple[str, ...]  # "Dynamic translate 10.32.0.10/0 to 203.0.113.134/4640"

    @property
    def lines(self) -> tuple[str, ...]:
        head = (f"Phase: {self.number}", f"Type: {self.type}", f"Subtype: {self.subtype}")
        return (*head, f"Result: {self.result}", *self.config, *self.info)


@dataclass(frozen=True)
class PacketTrace:
    phases: tuple[TracePhase, ...]
    input_interface: str | None
    output_interface: str | None
    action: str | None  # "allow", "drop"
    drop_reason: str | None  # "(acl-drop) Flow is denied by configured rule"
    complete: bool  # the "Result:" block with its "Action:" line was read

    def of_type(self, kind: str, subtype: str | None = None) -> list[TracePhase]:
        return [
            p
            for p in self.phases
            if p.type == kind and (subtype is None or p.subtype.lower() == subtype)
        ]

    @property
    def translated(self) -> list[TracePhase]:
        """NAT phases that changed the source (``Dynamic translate A to B`` with A != B)."""
        return [p for p in self.of_type("NAT") if any(_changes(i) for i in p.info)]

    @property
    def encrypted(self) -> bool | None:
        """The VPN encrypt phase's verdict; None when the packet never reached one."""
        phases = self.of_type("VPN", "encrypt")
        return phases[-1].result == "ALLOW" if phases else None


def _changes(info: str) -> bool:
    # Dynamic translate 10.32.0.10/0 to 203.0.113.134/4640 | Static translate A/0 to A/0
    words = info.split()
    if len(words) < 5 or words[1] != "translate" or words[3] != "to":
        return False
    return words[2].split("/")[0] != words[4].split("/")[0]
