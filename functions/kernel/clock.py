"""Time, in one place, so tests can move it. Timestamps are ISO 8601 UTC with microseconds: they sort as text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def later(seconds: int, start: datetime | None = None) -> datetime:
    return (start or now()) + timedelta(seconds=seconds)
