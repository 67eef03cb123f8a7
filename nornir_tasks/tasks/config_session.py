"""Configuration sessions: napalm's IOS driver behind the few verbs a config push needs.

``run_config_work(hosts, work, name)`` gives ``work(host, session)`` a ``ConfigSession`` on
every host through the executor, so a push is written against this typed interface and never
touches napalm or Nornir itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.task import Task

from nornir_tasks.models.failure import HostFailure
from nornir_tasks.tasks.executor import HostDone, run_on_hosts
from nornir_tasks.tasks.hosts import Hosts
from nornir_tasks.tasks.session import drop, send_at_prompt

T = TypeVar("T")
CONFIG = "napalm"
SEND_TIMEOUT_S = 10.0  # netmiko's default for send_command, as before


class ConfigSession:
    """One host's napalm session: read, diff, stage under a revert timer, confirm, revert."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self._prompt = ("", "")  # (netmiko's base prompt when it was read, the exec prompt)

    def running(self) -> str:
        return str(self._driver.get_config(retrieve="running")["running"])

    def send(self, command: str) -> str:
        """An exec command, read up to the prompt this session already knows: netmiko would
        otherwise look for the prompt again before every command (a round trip and two waits
        on the buffer, about half of a command's time), and the push polls state commands."""
        return send_at_prompt(self._driver.device, command, self.prompt(), SEND_TIMEOUT_S)

    def prompt(self) -> str:
        """The exec prompt, read again only when napalm saw the hostname change."""
        device = self._driver.device
        if not self._prompt[1] or self._prompt[0] != device.base_prompt:
            self._prompt = (device.base_prompt, str(device.find_prompt()))
        return self._prompt[1]

    def file_system(self) -> str:
        return str(self._driver.dest_file_system)

    def configure(self, lines: Sequence[str]) -> None:
        """Lines typed in ``configure terminal`` (no candidate, no timer)."""
        self._driver.device.send_config_set(list(lines))

    def diff(self, change: str) -> str:
        """Load ``change`` as a merge candidate, read the device's diff, delete it: no change."""
        driver = self._driver
        driver.load_merge_candidate(config=change)
        try:
            return str(driver.compare_config())
        finally:
            # Not discard_config(): it copies files with "file prompt quiet" toggled in config mode
            # (and off at close even when the router had it). SCP, the diff and this delete are exec.
            self.send(f"delete /force {driver.dest_file_system}/{driver.merge_cfg}")

    def keep_file_prompt(self, running: str) -> None:
        """Stop napalm from removing a ``file prompt quiet`` the router had before we came."""
        if re.search(r"^file prompt quiet$", running, re.M):
            self._driver.auto_file_prompt = False  # napalm then only checks the line is there

    def _restore_file_prompt(self) -> None:
        """Undo napalm's own ``file prompt quiet`` (added for its copies) before config is saved."""
        driver = self._driver
        if driver.auto_file_prompt and driver.prompt_quiet_changed:
            driver.device.send_config_set(["no file prompt quiet"])
            driver.prompt_quiet_changed = False
            driver.prompt_quiet_configured = None  # a later copy adds it again, and undoes it

    def load(self, change: str) -> None:
        self._driver.load_merge_candidate(config=change)

    def commit(self, revert_in_s: int) -> None:
        """Commit the loaded candidate; IOS reverts it unless confirmed within the timer."""
        self._driver.commit_config(revert_in=revert_in_s)

    def pending(self) -> bool:
        return bool(self._driver.has_pending_commit())

    def revert(self) -> None:
        """``configure revert now``: back to the configuration before the commit."""
        self._driver.rollback()
        if self._driver.prompt_quiet_changed:  # the archive took napalm's "file prompt quiet" too
            self._restore_file_prompt()
            self._driver.device.save_config()  # rollback() saved it with the line: save again

    def restore(self, lines: Sequence[str]) -> None:
        """Lines that undo the tool's own additions (napalm's ``file prompt quiet``), saved."""
        self._driver.device.send_config_set(list(lines))
        self._driver.device.save_config()

    def confirm(self) -> None:
        self._restore_file_prompt()
        self._driver.confirm_commit()


def drop_sessions(hosts: Hosts) -> None:
    """Forget every session of ``hosts`` (dead after a cut): the next work opens new ones."""
    for host in hosts.inventory.hosts.values():
        drop(host)


def run_config_work(
    hosts: Hosts,
    work: Callable[[str, ConfigSession], T],
    name: str,
    done: HostDone | None = None,
) -> dict[str, T | HostFailure]:
    """``work(host, session)`` on every host of ``hosts``; host -> value, or why it failed."""

    # napalm is imported here, not at start (see tasks.hosts.init_nornir).
    from nornir_napalm.plugins.connections import Napalm

    ConnectionPluginRegister.register(CONFIG, Napalm)

    def task(t: Task) -> T:
        driver = t.host.get_connection(CONFIG, t.nornir.config)
        return work(t.host.name, ConfigSession(driver))

    return run_on_hosts(hosts, task, name, done)
