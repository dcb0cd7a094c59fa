"""The inbox as operators see it: entries by channel and state, their history, replays, dead letters."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from kernel.model import Model
from kernel.types import Identifier

InboxState = Literal["received", "processed", "parked", "failed", "refused"]


class HistoryLine(Model):
    at: str
    state: str
    note: str


class InboxEntry(Model):
    channel: str
    webhook_id: str | None = None
    state: str
    format: str | None = None
    topic: str | None = None
    received_at: str
    reason: str | None = None
    reason_field: str | None = None
    code: str | None = Field(None, description="refused entries: the problem code the sender got")
    replays: int = 0
    duplicates: int = 0


class InboxPage(Model):
    entries: list[InboxEntry]
    next: str | None = Field(None, description="pass as `after` for the next page")


class InboxDetail(InboxEntry):
    history: list[HistoryLine] = []
    normalized: list[dict[str, Any]] = Field([], description="the events it became: [{type, data}]")
    raw: str | None = Field(None, description="the body as received (base64 when raw_encoding is base64)")
    raw_encoding: str | None = None


class ReplayIn(Model):
    model_config = ConfigDict(extra="forbid")

    webhook_ids: list[Identifier] = Field(min_length=1, max_length=25)


class ReplayResult(Model):
    replayed: list[str]
    missing: list[str]


class DeadLetter(Model):
    message_id: str
    body: dict[str, Any]
    receives: int = Field(description="how many times it was tried")
    sent_at: str | None = None


class DeadLetters(Model):
    queue: str
    messages: list[DeadLetter]


class DeadLetterRedriveIn(Model):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(10, ge=1, le=100, strict=True)


class DeadLetterRedriveResult(Model):
    moved: int
    remaining: int = Field(description="messages still in the dead-letter queue (approximate)")
