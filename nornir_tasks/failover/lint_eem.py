"""Failover lint rules on the EEM applets that act on a track: enable, session user."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nornir_tasks.failover.lint_base import (
    LintContext,
    _finding,
    lint_rule,
    quote,
)
from nornir_tasks.models.config import (
    EemApplet,
)
from nornir_tasks.models.findings import Finding, Severity


def _label(value: str) -> tuple[float, str]:
    try:
        return float(value), value
    except ValueError:
        return float("inf"), value


def _cli_actions(applet: EemApplet) -> list[str]:
    ordered = sorted(applet.actions, key=lambda a: _label(a.label))
    return [a.args for a in ordered if a.verb == "cli"]


@lint_rule("FO_EEM_CLI_WITHOUT_ENABLE")
def eem_cli_without_enable(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 10: EEM cli sessions start in user EXEC; the first command must be ``enable``."""
    for applet in ctx.config.eem_applets:
        cli = _cli_actions(applet)
        if not cli or cli[0].replace('"', "").split() == ["command", "enable"]:
            continue
        yield _finding(
            ctx,
            "FO_EEM_CLI_WITHOUT_ENABLE",
            Severity.WARNING,
            f"EEM applet {applet.name} runs cli commands without 'enable' first",
            f"The cli session of applet {applet.name} starts in user EXEC; without 'enable' its "
            f"first command ({cli[0]}) and the rest fail.",
            quote(ctx.target.text, rf"^event manager applet {re.escape(applet.name)}\b", True),
            (f'event manager applet {applet.name}: action 0.5 cli command "enable"',),
        )


@lint_rule("FO_EEM_NO_SESSION_USER")
def eem_no_session_user(ctx: LintContext) -> Iterator[Finding]:
    """Pitfall 8: with AAA command authorisation, EEM cli actions need a session user."""
    config = ctx.config
    if not config.aaa_authorization_commands or config.eem_session_user:
        return
    for applet in config.eem_applets:
        if not _cli_actions(applet) or "authorization bypass" in (applet.options or ""):
            continue
        yield _finding(
            ctx,
            "FO_EEM_NO_SESSION_USER",
            Severity.CRITICAL,
            f"EEM applet {applet.name} will fail command authorisation",
            "AAA command authorisation is on and no 'event manager session cli username' is set: "
            f"the cli actions of {applet.name} fail with 'Command authorization failed', so the "
            "failover actions never run.",
            quote(ctx.target.text, r"^aaa authorization commands")
            + quote(ctx.target.text, rf"^event manager applet {re.escape(applet.name)}\b"),
            (
                "event manager session cli username <EEM user known to the AAA server>",
                f"or: event manager applet {applet.name} authorization bypass",
            ),
        )
