"""The dialogue typed on a lab router through its ``telnet``: the same verdicts as the tool's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from nornir import InitNornir
from nornir.core import Nornir
from nornir_netmiko.tasks import netmiko_send_command

from lab.fleet import Fleet
from lab.inventory import write_inventory
from lab.network import Fault, FaultKind
from nornir_tasks.models.findings import Severity
from nornir_tasks.models.smtp import Failure, SmtpResult, StepName, Verdict
from nornir_tasks.smtp.dialogue import smtp_test
from nornir_tasks.smtp.verdicts import RelayPolicy, smtp_findings
from nornir_tasks.tasks.smtp_router import smtp_router_test
from tests.smtp.conftest import StartSmtp
from tests.smtp.servers import HOST, LOCAL_DOMAIN, RelayHandler, SlowGreeting

pytestmark = pytest.mark.lab
ROUTER = "BR01"


@pytest.fixture(scope="module")
def nr(lab: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nornir]:
    config = write_inventory(lab, tmp_path_factory.mktemp("smtp-inv"))
    nornir = InitNornir(config_file=str(config), logging={"enabled": False})
    yield nornir.filter(name=ROUTER)
    nornir.close_connections()


def from_router(nr: Nornir, port: int, **options: Any) -> SmtpResult:
    done = nr.run(task=smtp_router_test, relay=HOST, port=port, **options)
    result = done[ROUTER][0].result
    assert isinstance(result, SmtpResult)
    return result


def verdicts(result: SmtpResult, policy: RelayPolicy | None = None) -> dict[str, Severity]:
    return {f.code: f.severity for f in smtp_findings(result, policy)}


def shape(result: SmtpResult) -> list[tuple[str, int | None, Verdict]]:
    return [(s.name.value, s.code, s.verdict) for s in result.steps]


def back_at_prompt(nr: Nornir) -> None:
    shown = nr.run(task=netmiko_send_command, command_string="show run | i ^hostname")
    assert shown[ROUTER][0].result.strip() == f"hostname {ROUTER}"


@pytest.mark.parametrize(
    ("allow_relay", "policy"),
    [(True, RelayPolicy()), (False, RelayPolicy(expect_relay=True))],
    ids=["relay-allowed", "relay-denied"],
)
def test_router_and_tool_give_the_same_verdicts(
    nr: Nornir, start_smtp: StartSmtp, allow_relay: bool, policy: RelayPolicy
) -> None:
    server = start_smtp(RelayHandler(allow_relay=allow_relay))
    router = from_router(nr, server.port)
    tool = smtp_test(HOST, server.port)
    assert router.source == ROUTER and tool.source == "tool"
    assert shape(router) == shape(tool)
    assert router.capabilities == tool.capabilities
    assert router.failure is None and router.error is None
    assert verdicts(router, policy) == verdicts(tool, policy)
    expected = "SMTP_OPEN_RELAY" if allow_relay else "SMTP_RELAY_DENIED"
    assert expected in verdicts(router, policy)
    rcpt = router.step(StepName.RCPT)
    assert rcpt is not None and rcpt.sent == "RCPT TO:<vpndiag-test@example.net>"
    back_at_prompt(nr)


def test_router_sends_the_message_through_data(nr: Nornir, start_smtp: StartSmtp) -> None:
    handler = RelayHandler(allow_relay=False)
    server = start_smtp(handler)
    result = from_router(nr, server.port, rcpt_to=f"noc@{LOCAL_DOMAIN}", send_message=True)
    data = result.step(StepName.DATA)
    assert data is not None and data.code == 250, shape(result)
    (received,) = handler.received
    assert received.mail_from == "vpndiag-test@example.com"
    assert received.message["Subject"] == f"vpndiag SMTP relay test via {HOST}"
    assert "sent by vpndiag smtp-test" in str(received.message.get_payload())
    back_at_prompt(nr)


def test_refused_port_quotes_the_route(nr: Nornir, closed_port: int) -> None:
    result = from_router(nr, closed_port)
    assert result.failure is Failure.REFUSED
    assert shape(result)[0] == ("banner", None, Verdict.FAIL)
    assert {v for _, _, v in shape(result)[1:]} == {Verdict.SKIPPED}
    assert result.steps[0].text == "% Connection refused by remote host"
    assert result.route[0] == f"show ip route {HOST}"
    assert any("203.0.113.5" in line for line in result.route)  # the default route's hop
    (finding,) = smtp_findings(result)
    assert (finding.code, finding.severity, finding.host) == (
        "SMTP_UNREACHABLE",
        Severity.CRITICAL,
        ROUTER,
    )
    assert finding.evidence == ("% Connection refused by remote host", *result.route)
    back_at_prompt(nr)


def test_wan_source_interface_reaches_the_relay(nr: Nornir, start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(allow_relay=False))
    result = from_router(nr, server.port, source_interface="GigabitEthernet1")
    rcpt = result.step(StepName.RCPT)
    assert result.failure is None and rcpt is not None and rcpt.code == 550
    back_at_prompt(nr)


def test_dropped_syn_times_out(lab: Fleet, nr: Nornir, start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler())
    before = list(lab.network.faults)
    lab.add_fault(Fault(FaultKind.DROP, src=ROUTER, dst=HOST, protocol="tcp"))
    try:
        result = from_router(nr, server.port, timeout=5)
    finally:
        lab.clear_faults()
        for fault in before:
            lab.add_fault(fault)
    assert result.failure is Failure.TIMED_OUT
    assert result.steps[0].text == "% Connection timed out; remote host not responding"
    assert verdicts(result) == {"SMTP_UNREACHABLE": Severity.CRITICAL}
    back_at_prompt(nr)


def test_bad_source_interface_is_the_routers_fault(nr: Nornir) -> None:
    done = nr.run(task=smtp_router_test, relay=HOST, port=25, source_interface="Loopback99")
    result = done[ROUTER][0].result
    assert done[ROUTER].failed and result.failure is Failure.SESSION
    assert result.error == "% Invalid source interface - Loopback99"
    assert verdicts(result) == {}
    nr.data.reset_failed_hosts()  # Nornir skips a host whose task failed, until reset
    back_at_prompt(nr)


def test_slow_banner_from_the_router(nr: Nornir, start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler(), smtp_class=type("Slow", (SlowGreeting,), {}))
    result = from_router(nr, server.port, timeout=1)
    assert result.failure is Failure.NO_BANNER
    assert verdicts(result) == {"SMTP_NO_BANNER": Severity.CRITICAL}
    back_at_prompt(nr)


def test_no_route_to_the_relay(lab: Fleet, nr: Nornir, start_smtp: StartSmtp) -> None:
    server = start_smtp(RelayHandler())
    before = list(lab.network.faults)
    lab.add_fault(Fault(FaultKind.LINK_DOWN, router=ROUTER, interface="GigabitEthernet1"))
    try:
        result = from_router(nr, server.port, timeout=5)
    finally:
        lab.clear_faults()
        for fault in before:
            lab.add_fault(fault)
    assert result.failure is Failure.UNREACHABLE, result
    assert result.steps[0].text == "% Destination unreachable; gateway or host down"
    (finding,) = smtp_findings(result)
    assert finding.code == "SMTP_UNREACHABLE"
    assert finding.evidence[1:] == result.route
    assert result.route == (f"show ip route {HOST}", "% Network not in table")
    back_at_prompt(nr)
