"""Typed, frozen data models shared by parsers, checks and reports (pure: no I/O)."""

from nornir_tasks.models.base import to_jsonable

__all__ = ["to_jsonable"]
