"""The broker URL: where it comes from, what is refused, and that its password never shows."""

from __future__ import annotations

import pytest

from nornir_tasks.scale.broker import BrokerError, redacted, resolve_broker
from nornir_tasks.settings import CelerySettings

SECRET = "Br0ker-s3cret"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"redis://:{SECRET}@10.0.0.5:6379/0", "redis://:***@10.0.0.5:6379/0"),
        (
            f"rediss://vpndiag:{SECRET}@redis.example.net/2",
            "rediss://vpndiag:***@redis.example.net/2",
        ),
        (
            f"redis://10.0.0.5:6379/0?password={SECRET}",
            "redis://10.0.0.5:6379/0?password=%2A%2A%2A",
        ),
        ("redis://10.0.0.5:6379/0", "redis://10.0.0.5:6379/0"),
    ],
)
def test_redacted_hides_the_password(url: str, shown: str) -> None:
    assert redacted(url) == shown
    assert SECRET not in redacted(url)


def test_precedence_option_then_environment_then_configuration() -> None:
    config = CelerySettings(broker="redis://from-config:6379/0")
    env = {"VPNDIAG_BROKER": "redis://from-env:6379/0"}
    assert resolve_broker("redis://from-option/0", config, env) == "redis://from-option/0"
    assert resolve_broker(None, config, env) == "redis://from-env:6379/0"
    assert resolve_broker(None, config, {}) == "redis://from-config:6379/0"


def test_configuration_password_comes_from_the_environment() -> None:
    config = CelerySettings(broker="redis://redis.example.net:6379/0")
    env = {"VPNDIAG_BROKER_PASSWORD": "p@ss/word"}
    assert resolve_broker(None, config, env) == "redis://:p%40ss%2Fword@redis.example.net:6379/0"


def test_a_password_in_the_configuration_file_is_refused_without_showing_it() -> None:
    config = CelerySettings(broker=f"redis://:{SECRET}@redis.example.net:6379/0")
    with pytest.raises(BrokerError, match=r"holds no password") as caught:
        resolve_broker(None, config, {})
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    "url", [f"amqp://guest:{SECRET}@rabbit//", f"redis://:{SECRET}@:6379", "redis://h:99999/0"]
)
def test_not_a_redis_url_is_named_redacted(url: str) -> None:
    with pytest.raises(BrokerError, match="broker URL") as caught:
        resolve_broker(url, CelerySettings(), {})
    assert SECRET not in str(caught.value)


def test_no_broker_anywhere_says_where_to_give_one() -> None:
    with pytest.raises(BrokerError, match=r"--broker .*VPNDIAG_BROKER.*celery\.broker"):
        resolve_broker(None, CelerySettings(), {})
