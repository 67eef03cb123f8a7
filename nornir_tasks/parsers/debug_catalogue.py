"""The debug-line catalogue: the IKEv1/IKEv2/IPsec debug texts that name an event, with the
finding each supports and where the wording was read.

Samples (IOS ``debug crypto isakmp``, IOS-XE ``debug crypto ikev2``, ASA ``debug crypto ikev2
protocol``)::

    ISAKMP-ERROR: (0):No pre-shared key with 203.0.113.1!
    IKEv2:(SESSION ID = 31,SA ID = 1):Received Packet [From FC00:123:123:123::1:500/To ...]
    IKEv2-PROTO-1: (16): Failed to find a matching policy
    IKEv2:% IKEv2 profile not found

A line is matched by the lower-cased texts below; when several match, the earliest entry wins
(so the order is part of the table). Syslog messages are the other table,
``nornir_tasks.parsers.log_catalogue``.
"""

from __future__ import annotations

import re

from nornir_tasks.parsers.debug_texts_ikev1 import IKEV1_FIRST, IKEV1_TEXTS
from nornir_tasks.parsers.debug_texts_ikev2 import IKEV2_TEXTS
from nornir_tasks.parsers.log_sources import DebugText

__all__ = ["TEXTS", "DebugText", "text_entry"]

# The order is part of the table: the earliest entry that matches a line names it.
TEXTS: tuple[DebugText, ...] = IKEV1_FIRST + IKEV2_TEXTS + IKEV1_TEXTS

# All needles in one alternation (one C-level scan per line); the earliest entry wins.
_NEEDLES = re.compile("|".join(re.escape(t.needle) for t in TEXTS))
_RANK = {t.needle: index for index, t in enumerate(TEXTS)}
_BY_NEEDLE = {t.needle: t for t in TEXTS}
if len(_BY_NEEDLE) != len(TEXTS):
    raise ValueError("debug catalogue: a text is listed twice")


def text_entry(text: str) -> DebugText | None:
    """The catalogue entry that names ``text`` (None when none does)."""
    found = _NEEDLES.findall(text.lower())
    return _BY_NEEDLE[min(found, key=_RANK.__getitem__)] if found else None
