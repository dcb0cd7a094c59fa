"""The inbox for operators: entries by channel and state, one entry in full, replays."""

from __future__ import annotations

import base64
import json

from channels.dal import inbox
from channels.logic.registry import known
from channels.models.inbox import InboxDetail, InboxEntry, InboxPage, ReplayResult
from kernel import clock, table
from kernel.errors import NotFound, Unprocessable

_CURSOR_KEYS = {"pk", "sk", "gsi1pk", "gsi1sk"}  # an index page's LastEvaluatedKey: exactly these, or DynamoDB refuses it


def _cursor(key: dict | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode() if key else None


def _key(cursor: str | None, channel_id: str, state: str) -> dict | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(key, dict) or set(key) != _CURSOR_KEYS or key["gsi1pk"] != f"INBOX#{channel_id}#{state}" or not all(isinstance(value, str) and value for value in key.values()):
            raise ValueError
        return key
    except ValueError:
        raise Unprocessable("`after` is not a cursor of this listing", errors=[{"in": "query", "field": "after", "type": "invalid_cursor"}]) from None


def entries(channel_id: str, state: str, limit: int, after: str | None) -> InboxPage:
    known(channel_id)
    items, last = inbox.listing(channel_id, state, limit, _key(after, channel_id, state))
    return InboxPage(entries=[table.as_model(InboxEntry, item) for item in items], next=_cursor(last))


def entry(channel_id: str, webhook_id: str) -> InboxDetail:
    known(channel_id)
    item = inbox.get(channel_id, webhook_id)
    if item is None:
        raise NotFound(f"channel {channel_id} has no inbox entry {webhook_id}", field="webhook_id")
    return table.as_model(InboxDetail, item)


def replay(channel_id: str, webhook_ids: list[str], operator: str) -> ReplayResult:
    """Send entries through normalization again: a parked one after its mapping was added, a failed one
    after a fix, a processed one to publish its events again (consumers apply nothing twice)."""
    known(channel_id)
    now = clock.now()
    replayed, missing = [], []
    for webhook_id in dict.fromkeys(webhook_ids):
        (replayed if inbox.replay(channel_id, webhook_id, now, operator) else missing).append(webhook_id)
    return ReplayResult(replayed=replayed, missing=missing)
