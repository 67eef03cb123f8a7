"""``vpndiag diagnose`` on session logs where a command was run again: the later, different
output is the current state, the report says what changed (OUTPUT_REPEATED)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nornir_tasks.cli import exit_codes
from nornir_tasks.cli.main import main
from nornir_tasks.diagnose_polls import repeat_notes
from nornir_tasks.models.isakmp import IsakmpSaTable
from tests.checks.support import GOLDEN, fleet, run

# itcertnotes.blogspot.com "IPsec Stuck in MM_SA_SETUP and MM_NO_STATE" (provenance.yaml):
# RT2's `sh crypto isakmp sa` before the initiator's first packet (empty), then again with
# the SA stuck in MM_SA_SETUP.
ITCERT = GOLDEN / "itcertnotes_ios_responder_mm_sa_setup_duplicate" / "raw.txt"
# hmchen47/DevOps CBT notes "Debugging for IPsec Tunnels" (provenance.yaml): R1's crypto map
# shown with Demo-SET, then again with B-SET after the trainer changed it.
CBT = GOLDEN / "cbt_ios_two_routers_transform_set_mismatch_show_crypto_map" / "raw.txt"
# a-trubin/OTUS-Network-engineer "IPSec over DmVPN": the same prompt and output pasted twice
TRUBIN = GOLDEN / "trubin_ios_isakmp_sa_detail_rsig_pasted_twice" / "raw.txt"


def test_a_command_run_again_reads_the_later_output_as_current() -> None:
    built = fleet(("rt2", ITCERT.read_text()))
    host = built.host("RT2")
    assert host is not None and host.previous is not None
    (now,) = host.models(IsakmpSaTable)
    (before,) = host.models(IsakmpSaTable, previous=True)
    assert [sa.state for sa in now.sas] == ["MM_SA_SETUP"] and before.sas == ()
    assert not run(built, "OUTPUT_REPEATED")  # two runs, not one paste twice
    assert "IKE_P1_RETURN_PATH" in {f.code for f in run(built)}
    notes = repeat_notes(built)
    assert "2 different outputs, the last read as the current state" in notes[0]
    assert notes[1:] == ["  was: \n  now: 11.11.11.2 10.10.10.2 MM_SA_SETUP 1 0"]


def test_what_changed_between_two_crypto_maps_is_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diagnose", str(CBT)]) == exit_codes.FINDINGS
    out, err = capsys.readouterr()
    assert "note: R1: 'show crypto map' is in the input 2 times" in " ".join(err.split())
    assert "was: Demo-SET: { esp-aes esp-sha384-hmac }," in err
    assert "now: B-SET: { esp-aes }," in err
    assert "IKE_P2_PROPOSAL_MISMATCH" in out


def test_the_authors_double_paste_is_one_snapshot_and_the_report_says_so() -> None:
    built = fleet(("r15", TRUBIN.read_text()))
    (note,) = run(built, "OUTPUT_REPEATED")
    assert note.summary.endswith(
        "each copy identical: read once (nothing in them shows time passed between them)"
    )
    host = built.host("R15")
    assert host is not None and host.previous is None


# A logging buffer shown twice at the prompt, the command typed in full or abbreviated as
# engineers type it: a log is one reading whatever it repeats (the log reader merges what two
# pastes share), so neither spelling is an output "pasted twice".
_BUFFER = (
    "Syslog logging: enabled (0 messages dropped, 0 flushes, 0 overruns, xml disabled)\n\n"
    "Log Buffer (8192 bytes):\n*Mar  1 00:01:02.123: %CRYPTO-6-IKMP_MODE_FAILURE: Processing "
    "of Main mode failed with peer at 10.1.1.2\n"
)


@pytest.mark.parametrize("typed", ["show logging", "sh logg", "sho log"])
def test_a_log_shown_twice_is_one_reading_however_the_command_was_typed(typed: str) -> None:
    built = fleet(("r1", f"R1#{typed}\n{_BUFFER}R1#{typed}\n{_BUFFER}"))
    assert not run(built, "OUTPUT_REPEATED")
    assert "IKE_P1_POLICY_MISMATCH" in {f.code for f in run(built)}
