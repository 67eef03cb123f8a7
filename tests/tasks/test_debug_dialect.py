"""How each platform spells the debug a run asks for (``tasks/debug_dialect.py``): pure."""

from __future__ import annotations

from nornir_tasks.tasks.debug_dialect import dialect


def test_a_dmvpn_peer_gets_debug_nhrp_under_its_nbma_condition_on_ios() -> None:
    ios = dialect("cisco_ios")
    assert ios.kinds(("isakmp", "ikev2", "nhrp")) == (
        "debug crypto isakmp",
        "debug crypto ikev2",
        "debug nhrp",
    )
    assert ios.extra_conditions(("ikev2", "nhrp"), "198.51.100.130") == (
        "debug nhrp condition peer nbma 198.51.100.130",
    )
    assert ios.extra_conditions(("ikev2",), "198.51.100.130") == ()
    assert ios.cleanup[-1] == "no debug nhrp condition"  # a leftover run's condition too


def test_an_asa_has_no_nhrp_and_its_kinds_stay_its_own() -> None:
    asa = dialect("cisco_asa")
    assert asa.kinds(("ikev2", "nhrp")) == ("debug crypto ikev2 protocol 127",)
    assert asa.extra_conditions(("nhrp",), "198.51.100.130") == ()
    assert "no debug nhrp condition" not in asa.cleanup
