"""The Markdown report (and mail body) read back: sections, table, verdict-first tunnels."""

from __future__ import annotations

import re

from nornir_tasks.reports.markdown import code_block, code_span, escape, render_markdown
from tests.reports.sample import RETURN_PATH, fleet_report, healthy_report


def _sections(text: str) -> dict[str, str]:
    """Heading line -> the text under it, up to the next heading of any level."""
    parts = re.split(r"^(#{1,3} .*)$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_sections_present_in_order() -> None:
    headings = [h for h in _sections(render_markdown(fleet_report()))]
    assert headings == [
        "# Fleet health check",
        "## Hosts",
        "## Problem tunnels",
        "### spoke1 → 203.0.113.1",
        "### spoke2 → 203.0.113.1",
        "## Hosts not reached",
        "## Failed checks",
        "## Notes",
    ]


def test_headline_and_summary_table() -> None:
    text = render_markdown(fleet_report())
    assert "**CRITICAL: findings 2 critical, 0 warning, 1 info; 1 of 5 hosts not reached" in text
    hosts = _sections(text)["## Hosts"]
    assert "| Host | Status | Tunnels up | Worst finding | Checks passed |" in hosts
    assert "| spoke1 | ok | 0/1 | critical `IKE_P1_RETURN_PATH` | 3/5 |" in hosts
    assert "| spoke3 | unreachable | - | - | 0/4 |" in hosts
    assert len([line for line in hosts.splitlines() if line.startswith("| ")]) == 2 + 5


def test_tunnel_section_verdict_first_then_evidence_block_and_steps() -> None:
    body = _sections(render_markdown(fleet_report()))["### spoke1 → 203.0.113.1"].strip()
    first = body.splitlines()[0]
    assert first == f"**CRITICAL `IKE_P1_RETURN_PATH`**: {RETURN_PATH.summary}"
    block = re.search(r"^```text\n(.*?)\n```$", body, flags=re.S | re.M)
    assert block is not None
    assert block.group(1).splitlines() == list(RETURN_PATH.evidence)
    assert "- `hub1# show ip route 198.51.100.2`" in body
    assert body.index("Evidence:") < body.index("Next steps:")


def test_unreached_hosts_and_failed_checks() -> None:
    sections = _sections(render_markdown(fleet_report()))
    assert (
        "- **spoke3**: unreachable: TCP connection to 127.0.0.1:2203 refused"
        in sections["## Hosts not reached"]
    )
    assert (
        "| spoke1 | `tunnel 203.0.113.1 QM_IDLE` | FAIL | state is MM_NO_STATE |"
        in sections["## Failed checks"]
    )


def test_device_text_cannot_break_the_markdown() -> None:
    text = render_markdown(fleet_report())
    # the evidence holds ``` so the fence is longer; HTML-like text is escaped outside code
    assert "````text" in text
    assert "hub1 \\<both ends\\> \\[check\\]" in text
    assert escape("a|b <c> *d* x_y") == "a\\|b \\<c\\> \\*d\\* x_y"
    assert code_span("show `x`") == "`` show `x` ``"
    assert code_block(["a", "``` b"])[0] == "````text"


def test_healthy_run() -> None:
    text = render_markdown(healthy_report())
    assert (
        "**HEALTHY: findings 0 critical, 0 warning, 0 info; 1 host reached; 2/2 tunnels up**"
        in text
    )
    assert _sections(text)["## Problem tunnels"].strip() == "None."
    assert "## Hosts not reached" not in text


def test_a_run_that_read_nobody_is_incomplete_not_healthy() -> None:
    from dataclasses import replace

    from nornir_tasks.models.collection import HostStatus
    from nornir_tasks.reports.wording import headline

    healthy = healthy_report()
    lost = replace(healthy.hosts[0], status=HostStatus.TIMEOUT, error="timed out")
    report = replace(healthy, hosts=(lost,))
    assert headline(report).startswith("INCOMPLETE: findings 0 critical")
    assert "1 of 1 hosts not reached" in headline(report)
    assert headline(healthy).startswith("HEALTHY")
