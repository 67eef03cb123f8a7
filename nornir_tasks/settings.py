"""The vpndiag configuration file: mail relay, history database, notifications, debug, Celery.

Looked up in ``--config``, else ``$VPNDIAG_CONFIG``, else ``~/.config/vpndiag/config.yaml``
(absent: defaults). Secrets are never read from it: the SMTP password comes from the
environment variable the ``smtp`` section names (``password_env``, default
``VPNDIAG_SMTP_PASSWORD``). Validated on load; errors name the file, the line and the field.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nornir_tasks.yamlfile import YamlFileError, load_with_lines, located

CONFIG_ENV = "VPNDIAG_CONFIG"
DEFAULT_CONFIG = Path("~/.config/vpndiag/config.yaml")


class SettingsError(ValueError):
    """A configuration file that cannot be used, with where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HistorySettings(_Strict):
    enabled: bool = True
    db: Path | None = None  # default: $VPNDIAG_HISTORY_DB or ~/.local/share/vpndiag/history.db
    keep_days: int | None = Field(None, ge=1)


class NotifySettings(_Strict):
    """Where a drift with new critical findings is announced (never on every run)."""

    webhook: str | None = None
    mail_to: list[str] = []


class BeatEntry(_Strict):
    """A run Celery beat starts on a schedule (``vpndiag worker --beat``, docs/scale.md)."""

    name: str
    every: str  # "15m", "1h", as audit --schedule
    command: list[str]  # vpndiag's arguments: run|health|audit and its options


class DebugSettings(_Strict):
    """The guarded debug of ``triage`` and escalating playbooks (docs/playbooks.md)."""

    # Waits before each new session that turns a debug off after its session died, seconds.
    reconnect_delays: list[float] = Field([1.0, 2.0, 4.0], max_length=10)

    @field_validator("reconnect_delays")
    @classmethod
    def _bounded(cls, delays: list[float]) -> list[float]:
        if any(not 0 <= d <= 300 for d in delays):
            raise ValueError("each delay must be between 0 and 300 seconds")
        return delays


class CelerySettings(_Strict):
    """Sharded runs on Celery workers (docs/scale.md): the broker, queues, time limits."""

    broker: str | None = None  # redis://HOST:6379/0, no password (that comes from password_env)
    password_env: str = "VPNDIAG_BROKER_PASSWORD"
    queue: str = "vpndiag"  # the queue of hosts that no route sends elsewhere
    routes: dict[str, str] = {}  # inventory group -> queue: a worker per region or jump host
    shard_time_limit: int = Field(900, gt=0)  # seconds; then the shard's hosts fail
    # At most this many hosts per shard. Each shard loads the whole inventory (about 0.45 ms of
    # CPU per inventory host), so fewer, larger shards cost less; smaller ones balance better.
    shard_hosts: int = Field(5000, ge=1)
    discovery_timeout: float = Field(1.0, gt=0)  # seconds to wait for workers to answer
    # A message a dead worker held is delivered again after this many seconds: keep it above
    # shard_time_limit, or a slow shard would run twice.
    visibility_timeout: float = Field(3600.0, gt=0)
    schedule: list[BeatEntry] = []  # runs `vpndiag worker --beat` starts on a schedule
    schedule_queue: str = "vpndiag-schedule"  # where those runs go (the --beat worker's)


class Settings(_Strict):
    smtp: dict[str, Any] | None = None  # nornir_tasks.smtp.mailer.MailSettings, checked there
    history: HistorySettings = HistorySettings()
    notify: NotifySettings = NotifySettings()
    debug: DebugSettings = DebugSettings()
    celery: CelerySettings = CelerySettings()


def config_path(given: Path | None = None) -> Path | None:
    """The configuration file to read, or None when there is none."""
    if given is not None:
        return given
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    default = DEFAULT_CONFIG.expanduser()
    return default if default.exists() else None


def load_settings(path: Path | None = None) -> Settings:
    found = config_path(path)
    if found is None:
        return Settings()
    try:
        text = found.read_text()
    except OSError as exc:
        raise SettingsError(f"{found}: cannot read the configuration: {exc.strerror}") from exc
    try:
        data, lines = load_with_lines(text, str(found))
    except YamlFileError as exc:
        raise SettingsError(str(exc)) from exc
    try:
        return Settings.model_validate(data or {})
    except ValidationError as exc:
        problems = [located(str(found), lines, tuple(e["loc"]), e["msg"]) for e in exc.errors()]
        raise SettingsError("\n".join(problems)) from exc
