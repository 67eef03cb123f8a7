"""Commands per platform: an ASA is not asked what it does not have."""

from __future__ import annotations

from nornir_tasks.tasks.collect import HEALTH_COMMANDS
from nornir_tasks.tasks.platforms import plan_commands


def test_ios_gets_every_command_and_route_lookups() -> None:
    plan = plan_commands("ios", HEALTH_COMMANDS)
    assert plan.run == HEALTH_COMMANDS and plan.skipped == () and plan.follow_up


def test_asa_reads_the_same_state_with_its_own_commands_in_order() -> None:
    commands = ["show crypto isakmp sa", "show crypto session detail", "show crypto ipsec sa",
                "show crypto map", "show running-config", "show processes cpu | include CPU",
                "show logging", "show ip route 10.0.0.1"]  # fmt: skip
    plan = plan_commands("cisco_asa", commands)
    assert plan.run == (
        "show crypto ikev1 sa", "show vpn-sessiondb detail l2l", "show crypto ipsec sa",
        "show running-config", "show cpu usage", "show logging", "show asp drop",
    )  # fmt: skip
    assert plan.skipped == ("show ip route 10.0.0.1",)
    assert not plan.follow_up  # the ASA's route lookup is "show route", not parsed here


def test_every_asa_command_has_a_parser_and_passes_the_read_only_list() -> None:
    from nornir_tasks.parsers import resolve
    from nornir_tasks.playbooks.readonly import refusal

    commands = ["show crypto isakmp sa detail", "show crypto ikev2 sa", "show crypto session",
                "show crypto ipsec sa detail", "show crypto map", "show running-config",
                "show processes cpu | include CPU", "show logging"]  # fmt: skip
    for command in plan_commands("asa", commands).run:
        assert refusal(command) is None, command
        resolve(command)  # raises when no parser reads it


def test_platform_names_are_case_insensitive_and_unknown_ones_are_ios() -> None:
    assert plan_commands("ASA", ["show crypto map"]).run == ("show running-config",)
    assert plan_commands(None, ["show crypto map"]).run == ("show crypto map",)


def test_a_host_without_platform_is_explained() -> None:
    from nornir_tasks.models.collection import HostStatus
    from nornir_tasks.models.failure import FailureKind
    from nornir_tasks.tasks.failures import classify

    failure = classify("R1", KeyError("device_type"), 0.1)
    assert failure.kind is FailureKind.OTHER and failure.status is HostStatus.FAILED
    assert "no platform" in failure.message
