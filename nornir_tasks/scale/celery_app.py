"""The Celery application both ends share: the coordinator publishes shard tasks on it, and
``vpndiag worker`` consumes them (docs/scale.md).

Delivery rules a user relies on, set here once for both ends:

- late acknowledgement, and a task whose pool process died is rejected back to the queue
  (``task_acks_late``, ``task_reject_on_worker_lost``): a worker killed mid-shard has its
  shard run again by another worker; one task id holds one result, so no host twice;
- one message per pool process at a time (``worker_prefetch_multiplier=1``): a shard waits
  in the queue, not behind a busy worker;
- JSON only, both ways: specs hold no credentials, results hold masked evidence;
- the Redis ``visibility_timeout``: a message a dead worker (not just its pool process)
  held comes back after it; keep it above the shard time limit (``CelerySettings``).
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from nornir_tasks.scale.broker import BrokerUnreachableError, checked, redacted

SHARD_TASK = "vpndiag.run_shard"
CONNECT_TIMEOUT_S = 3  # a broker that does not answer within this is unreachable


def celery_app(broker: str, queue: str = "vpndiag", visibility_timeout: float = 3600.0) -> Celery:
    """The application on ``broker`` (Redis is both the broker and the result store)."""
    app = Celery("vpndiag", broker=checked(broker), backend=broker, set_as_current=False)
    app.conf.update(_configuration(queue, visibility_timeout))
    app.task(name=SHARD_TASK, bind=True)(_run_shard)
    return app


def ensure_reachable(app: Celery, url: str, timeout: int = CONNECT_TIMEOUT_S) -> None:
    """Connect to the broker once, within ``timeout``; ``BrokerUnreachableError`` if not."""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=timeout
            )
    except Exception as exc:  # kombu wraps refused, timed out and refused AUTH alike
        raise BrokerUnreachableError(
            f"broker {redacted(url)} unreachable: {_reason(exc)}"
        ) from None


def _reason(exc: BaseException) -> str:
    """The broker client's own words; a URL in them (some errors quote it) redacted."""
    words = str(exc) or type(exc).__name__
    return " ".join(redacted(w) if "://" in w else w for w in words.split())


def _configuration(queue: str, visibility_timeout: float) -> dict[str, Any]:
    transport = {
        "visibility_timeout": visibility_timeout,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
    }
    return {
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_track_started": True,
        "task_default_queue": queue,
        "result_expires": 24 * 3600,
        "result_extended": True,
        "broker_transport_options": transport,
        "result_backend_transport_options": transport,
        "redis_socket_connect_timeout": CONNECT_TIMEOUT_S,
        "broker_connection_timeout": CONNECT_TIMEOUT_S,
        # Flower and `celery events` see shards as they run.
        "worker_send_task_events": True,
        "task_send_sent_event": True,
        "worker_hijack_root_logger": False,
    }


def _run_shard(task: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """A shard on this worker: its hosts collected with this worker's own credentials."""
    # Imported here: the coordinator publishes without loading Nornir and the collectors.
    from nornir_tasks.scale.celery_worker import run_shard_payload

    return run_shard_payload(spec, task)
