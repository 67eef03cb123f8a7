"""A host's collection as JSON-ready data and back: what a shard result is on a JSON
transport (Celery's default serializer).

Parsed models are not sent: ``collection_from_dict`` parses each readable output again from
its (masked) text, so the receiving side holds the same ``HostCollection`` a local run would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nornir_tasks.models.collection import CommandOutput, HostCollection, HostStatus, OutputStatus
from nornir_tasks.parsers import ParseError, UnknownCommandError, parse_result


def collection_to_dict(collection: HostCollection) -> dict[str, Any]:
    return {
        "host": collection.host,
        "status": str(collection.status),
        "error": collection.error,
        "data": dict(collection.data),
        "outputs": [_output_to_dict(o) for o in collection.outputs],
    }


def _output_to_dict(output: CommandOutput) -> dict[str, Any]:
    return {
        "command": output.command,
        "raw": output.raw,
        "status": str(output.status),
        "error": output.error,
        "attempts": output.attempts,
        "unparsed": [[n, text] for n, text in output.unparsed],
    }


def collection_from_dict(data: Mapping[str, Any]) -> HostCollection:
    outputs = tuple(_output_from_dict(o) for o in data["outputs"])
    status = HostStatus(data["status"])
    return HostCollection(data["host"], status, outputs, data["error"], dict(data["data"]))


def _output_from_dict(data: Mapping[str, Any]) -> CommandOutput:
    status = OutputStatus(data["status"])
    command, raw = str(data["command"]), str(data["raw"])
    unparsed = tuple((int(n), str(text)) for n, text in data["unparsed"])
    parsed = _parsed(command, raw) if status is OutputStatus.OK else None
    return CommandOutput(command, raw, status, parsed, data["error"], data["attempts"], unparsed)


def _parsed(command: str, raw: str) -> Any:
    """The model of an output the shard read as OK (None where no parser reads the command)."""
    try:
        return parse_result(command, raw).value
    except (UnknownCommandError, ParseError):
        return None
