"""``show crypto ikev2 stats exchange``, from the counters the IKEv2 wire keeps.

Layout copied from the IOS-XE capture in genieparser (``ShowCryptoIkev2StatsExchange``,
golden ``genie_iosxe_ikev2_stats_exchange``): a header, then the EXCHANGES, ERROR NOTIFY and
OTHER NOTIFY sections with four counters per row (TX(REQ) TX(RES) RX(REQ) RX(RES)), CONFIG
PAYLOAD TYPE (TX RX) and OTHER COUNTERS. As in the capture, a row is printed once one of its
counters moved, and single spaces separate the columns.
"""

from __future__ import annotations

from lab.sadb import CryptoState

_COLUMNS = ("TX(REQ)", "TX(RES)", "RX(REQ)", "RX(RES)")
_EXCHANGES = ("IKE_SA_INIT", "IKE_AUTH", "CREATE_CHILD_SA", "INFORMATIONAL")
# Notifies that refuse (RFC 7296 §3.10.1 error types the lab sends or could).
_ERRORS = (
    "UNSUPPORTED_CRITICAL_PAYLOAD",
    "INVALID_SYNTAX",
    "NO_PROPOSAL_CHOSEN",
    "INVALID_KE_PAYLOAD",
    "AUTHENTICATION_FAILED",
    "SINGLE_PAIR_REQUIRED",
    "INTERNAL_ADDRESS_FAILURE",
    "TS_UNACCEPTABLE",
)
# The capture's order, then any other notify by name.
_OTHERS = (
    "INITIAL_CONTACT",
    "SET_WINDOW_SIZE",
    "NAT_DETECTION_SOURCE_IP",
    "NAT_DETECTION_DESTINATION_IP",
    "HTTP_CERT_LOOKUP_SUPPORTED",
    "REKEY_SA",
    "DELETE_REASON",
    "DPD",
)


def _rows(state: CryptoState, names: list[str]) -> list[str]:
    out = []
    for name in names:
        counts = [state.v2_stats.get((name, c), 0) for c in _COLUMNS]
        if any(counts):
            out.append(" ".join([name, *(str(n) for n in counts)]))
    return out


def ikev2_stats_exchange(state: CryptoState) -> str:
    counted = sorted({name for name, _ in state.v2_stats})
    others = [*_OTHERS, *(n for n in counted if n not in (*_EXCHANGES, *_ERRORS, *_OTHERS))]
    out = [
        "EXCHANGE/NOTIFY TX(REQ) TX(RES) RX(REQ) RX(RES)",
        "",
        "EXCHANGES",
        "",
        *_rows(state, list(_EXCHANGES)),
        "",
        "ERROR NOTIFY",
        "",
        *_rows(state, list(_ERRORS)),
        "",
        "OTHER NOTIFY",
        "",
        *_rows(state, others),
        "",
        "",
        "CONFIG PAYLOAD TYPE TX RX",
        "",
        "",
        "OTHER COUNTERS",
        "",
        *(f"{name} {n}" for name, n in sorted(state.v2_other.items())),
        "",
    ]
    return "\n".join(out) + "\n"
