"""Commands per platform: an ASA is not asked what it does not have."""

from __future__ import annotations

from nornir_tasks.tasks.collect import HEALTH_COMMANDS
from nornir_tasks.tasks.platforms import plan_commands


def test_ios_gets_every_command_and_route_lookups() -> None:
    plan = plan_commands("ios", HEALTH_COMMANDS)
    assert plan.run == HEALTH_COMMANDS and plan.skipped == () and plan.follow_up


def test_asa_skips_what_it_lacks_and_keeps_the_rest_in_order() -> None:
    commands = ["show crypto isakmp sa", "show crypto session", "show crypto ipsec sa",
                "show crypto map", "show running-config", "show processes cpu | include CPU",
                "show logging"]  # fmt: skip
    plan = plan_commands("cisco_asa", commands)
    assert plan.run == (
        "show crypto isakmp sa", "show crypto ipsec sa", "show running-config", "show logging"
    )  # fmt: skip
    assert plan.skipped == (
        "show crypto session", "show crypto map", "show processes cpu | include CPU"
    )  # fmt: skip
    assert not plan.follow_up  # the ASA's route lookup is "show route", not parsed here


def test_platform_names_are_case_insensitive_and_unknown_ones_are_ios() -> None:
    assert plan_commands("ASA", ["show crypto map"]).skipped == ("show crypto map",)
    assert plan_commands(None, ["show crypto map"]).run == ("show crypto map",)


def test_a_host_without_platform_is_explained() -> None:
    from nornir_tasks.models.collection import HostStatus
    from nornir_tasks.models.failure import FailureKind
    from nornir_tasks.tasks.failures import classify

    failure = classify("R1", KeyError("device_type"), 0.1)
    assert failure.kind is FailureKind.OTHER and failure.status is HostStatus.FAILED
    assert "no platform" in failure.message
