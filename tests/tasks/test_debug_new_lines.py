"""``capture_debug`` keeps the log lines printed after its start: the anchor is the last
time-stamped line, since the lines printed under IKEv2 packets repeat word for word."""

from __future__ import annotations

from nornir_tasks.tasks.debug import _new_lines

PACKET = [
    "IKEv2 IKE_SA_INIT Exchange REQUEST ",
    "Payload contents: ",
    " SA KE N VID VID VID VID NOTIFY(NAT_DETECTION_SOURCE_IP) NOTIFY(NAT_DETECTION_DESTINATION_IP) ",
    "",
]


def _sent(stamp: str) -> list[str]:
    return [
        f"*Nov 18 11:07:{stamp}: IKEv2:(SESSION ID = 1,SA ID = 1):Sending Packet [To X]",
        *PACKET,
    ]


def test_lines_under_a_packet_do_not_anchor_on_a_later_packet() -> None:
    before = ["Log Buffer (512000 bytes):", *_sent("20.544")]
    after = [*before, *_sent("30.544"), *_sent("40.544")]
    new = _new_lines(before, after)
    assert new == [*_sent("30.544"), *_sent("40.544")]


def test_without_stamps_the_last_line_still_anchors() -> None:
    assert _new_lines(["a", "b"], ["a", "b", "c"]) == ["c"]
