"""Every run recorded in the history database, and a notification on new critical drift.

The run row is written when the run starts (incomplete) and completed in one transaction at
the end, so an interrupted run never leaves half a run. History problems are warnings: the
devices were read, the report still stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from nornir_tasks import __version__
from nornir_tasks.history.diff import Drift, drift
from nornir_tasks.history.notify import NotifyError, NotifySettings, notify
from nornir_tasks.history.snapshot import run_snapshots
from nornir_tasks.history.store import HistoryError, HistoryStore, RunMeta, utc_now
from nornir_tasks.models.report import RunReport
from nornir_tasks.playbooks.runner import PlaybookRun
from nornir_tasks.settings import Settings
from nornir_tasks.smtp.mailer import MailError, MailSettings


@dataclass
class Recording:
    store: HistoryStore
    run_id: int
    settings: Settings
    err: Console
    keep_days: float | None = None
    drift: Drift | None = None

    @classmethod
    def begin(
        cls,
        db: Path | None,
        settings: Settings,
        title: str,
        playbook: str | None,
        err: Console,
        keep_days: float | None = None,
    ) -> Recording | None:
        """Open the store and record the start; None (warned) when history is unusable."""
        try:
            store = HistoryStore(db or settings.history.db)
            run_id = store.begin_run(RunMeta(title, utc_now(), __version__, playbook))
        except HistoryError as exc:
            err.print(f"[yellow]warning:[/] run not recorded: {exc}", highlight=False)
            return None
        return cls(store, run_id, settings, err, keep_days)

    def finish(self, run: PlaybookRun) -> RunReport:
        """Complete the run row; the report comes back carrying the tunnel-state history."""
        report = run.report
        try:
            self.store.finish_run(self.run_id, report, run_snapshots(report, run.fleet))
            report = self.store.with_history(report)
            playbook = self.store.playbook_of(self.run_id)
            base = self.store.latest(exclude=self.run_id, playbook=playbook)
            if base is not None:
                self.drift = drift(self.store.between(base, self.run_id))
            keep = self.keep_days or self.settings.history.keep_days
            if keep is not None:
                self.store.prune(keep)
        except HistoryError as exc:
            self.err.print(f"[yellow]warning:[/] run not recorded: {exc}", highlight=False)
        finally:
            self.store.close()
        return report

    def notify(self) -> tuple[str, ...]:
        """Announce new critical findings since the previous run (webhook, mail)."""
        wanted = self.settings.notify
        if self.drift is None or not (wanted.webhook or wanted.mail_to):
            return ()
        try:
            smtp = self.settings.smtp or {}
            mail = MailSettings.from_config(smtp) if wanted.mail_to else None
            channels = notify(
                self.drift, NotifySettings(wanted.webhook, mail, tuple(wanted.mail_to))
            )
        except (NotifyError, MailError) as exc:
            self.err.print(f"[yellow]warning:[/] notification failed: {exc}", highlight=False)
            return ()
        if channels:
            self.err.print(f"notified new critical findings: {', '.join(channels)}")
        return channels
