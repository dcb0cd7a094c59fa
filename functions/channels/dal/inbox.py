"""The webhook inbox: every accepted delivery, raw, with its state; and an audit row per refused one.
Items (kept 30 days; the table is encrypted with the platform's customer-managed KMS key):
  WEBHOOK#<channel> / <webhook id>      the raw body as received, its format and topic, its state
                                        (received → processed | parked | failed; a replay → received),
                                        the events it became, its history (an audit line per step)
  REFUSED#<channel> / <time>#<n>        a delivery refused at the door: why (no body is kept)
Index gsi1 (`INBOX#<channel>#<state>` / `<received at>#<webhook id>`) lists a channel's entries by state.

The webhook item's `attribute_not_exists` condition is the deduplication: a delivery id is accepted once.
Settling is guarded by the state and replay count it read, so a slow normalizer never overwrites a replay.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

from kernel import clock, table
from kernel.context import correlation_id

RETENTION_SECONDS = 30 * 86_400  # far longer than any signature tolerance, so no replay outlives it
INDEX = "gsi1"
STATES = ("received", "processed", "parked", "failed", "refused")


def key(channel_id: str, webhook_id: str) -> dict:
    return {"pk": f"WEBHOOK#{channel_id}", "sk": webhook_id}


def _listed(channel_id: str, state: str, received_at: str, name: str) -> dict:
    return {"gsi1pk": f"INBOX#{channel_id}#{state}", "gsi1sk": f"{received_at}#{name}"}


def _line(at: datetime, state: str, note: str) -> dict:
    return {"at": clock.iso(at), "state": state, "note": note}


def encode_raw(body: bytes) -> tuple[str, str]:
    """The body as stored text: UTF-8 as it came, or base64 when it is not UTF-8."""
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(body).decode(), "base64"


def raw_of(item: dict) -> bytes:
    return base64.b64decode(item["raw"]) if item.get("raw_encoding") == "base64" else item["raw"].encode("utf-8")


def record(channel, webhook_id: str, fmt: str, topic: str, sent_at: str | None, body: bytes, received: datetime) -> bool:
    """Store a delivery as received; False when this id of this channel was stored before."""
    raw, encoding = encode_raw(body)
    at = clock.iso(received)
    item = {
        **key(channel.id, webhook_id),
        **_listed(channel.id, "received", at, webhook_id),
        "type": "webhook",
        "channel": channel.id,
        "channel_kind": channel.kind,
        "format": fmt,
        "topic": topic,
        "webhook_id": webhook_id,
        "sent_at": sent_at,
        "raw": raw,
        "raw_encoding": encoding,
        "received_at": at,
        "state": "received",
        "replays": 0,
        "duplicates": 0,
        "history": [_line(received, "received", "accepted at the door")],
        "ttl": int(received.timestamp()) + RETENTION_SECONDS,
        "seq": 1,
        "correlation_id": correlation_id(),
    }
    return table.put_now({name: value for name, value in item.items() if value is not None})


def note_duplicate(channel_id: str, webhook_id: str, at: datetime) -> None:
    """The audit line of a delivery sent again under an id already stored (nothing else changes)."""
    table.update_now(
        key(channel_id, webhook_id),
        "ADD duplicates :one SET history = list_append(history, :line)",
        condition="attribute_exists(pk)",
        values={":one": 1, ":line": [_line(at, "duplicate", "delivered again: ignored")]},
    )


def refused(channel_id: str, code: str, detail: str, webhook_id: str | None, at: datetime) -> None:
    """The audit row of a delivery refused at the door (bad signature, stale, unknown channel...)."""
    when = clock.iso(at)
    name = f"{when}#{uuid.uuid4().hex[:8]}"
    item = {"pk": f"REFUSED#{channel_id}", "sk": name, **_listed(channel_id, "refused", when, name), "type": "refusal", "channel": channel_id}
    item |= {"code": code, "reason": detail[:500], "received_at": when, "state": "refused", "ttl": int(at.timestamp()) + RETENTION_SECONDS}
    if webhook_id:
        item["webhook_id"] = webhook_id[:200]
    table.put_now(item)


def settle(item: dict, state: str, at: datetime, *, events: list[dict] | None = None, reason: str | None = None, field: str | None = None) -> bool:
    """Move a received entry to its outcome, unless it changed since it was read (a replay): False then."""
    values = {
        ":state": state,
        ":received": "received",
        ":replays": item.get("replays", 0),
        ":events": events or [],
        ":reason": reason or "",
        ":field": field or "",
        ":gsi1pk": f"INBOX#{item['channel']}#{state}",
        ":line": [_line(at, state, reason or f"{len(events or [])} event(s)")],
        ":one": 1,
        ":at": clock.iso(at),
    }
    done = table.update_now(
        key(item["channel"], item["webhook_id"]),
        "SET #state = :state, normalized = :events, reason = :reason, reason_field = :field, gsi1pk = :gsi1pk, settled_at = :at, history = list_append(history, :line) ADD seq :one",
        condition="#state = :received AND replays = :replays",
        values=values,
        names={"#state": "state"},
    )
    return done is not None


def replay(channel_id: str, webhook_id: str, at: datetime, operator: str) -> dict | None:
    """Send an entry through normalization again (the stream sees it received); None when there is none."""
    return table.update_now(
        key(channel_id, webhook_id),
        "SET #state = :received, gsi1pk = :gsi1pk, history = list_append(history, :line) ADD replays :one, seq :one",
        condition="attribute_exists(pk)",
        values={":received": "received", ":gsi1pk": f"INBOX#{channel_id}#received", ":line": [_line(at, "received", f"replayed by {operator}"[:300])], ":one": 1},
        names={"#state": "state"},
    )


def get(channel_id: str, webhook_id: str) -> dict | None:
    return table.get(key(channel_id, webhook_id))


def listing(channel_id: str, state: str, limit: int, cursor: dict | None) -> tuple[list[dict], dict | None]:
    """A channel's entries in one state, newest first."""
    return table.query_page(f"INBOX#{channel_id}#{state}", index=INDEX, limit=limit, start=cursor, newest_first=True)
