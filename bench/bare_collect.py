"""The baseline of bench/overhead.py: plain Nornir + nornir_netmiko, nothing of vpndiag.

Sends each host its list of commands (a JSON file ``{host: [command, ...]}``) over one netmiko
session per host, privileged mode entered once, in one threaded Nornir run; it reads nothing
it receives. What an engineer would write to "just send the commands".

    python bench/bare_collect.py CONFIG.yaml COMMANDS.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nornir import InitNornir
from nornir.core.task import Result, Task
from nornir_netmiko.tasks import netmiko_send_command


def send_all(task: Task, plan: dict[str, list[str]]) -> Result:
    for i, command in enumerate(plan.get(task.host.name, [])):
        task.run(task=netmiko_send_command, command_string=command, enable=i == 0, read_timeout=30)
    return Result(host=task.host)


def main(argv: list[str]) -> int:
    config, plan_file = argv
    plan: dict[str, list[str]] = json.loads(Path(plan_file).read_text())
    nr = InitNornir(config_file=config)
    result = nr.run(task=send_all, plan=plan)
    nr.close_connections()
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
