"""The webhook inbox: one item per accepted delivery, kept 30 days. Items:
  WEBHOOK#<channel> / <webhook id>   the validated payload, the channel's kind, when it arrived

Its `attribute_not_exists` condition is the deduplication: a delivery id is accepted once, and the
item's insert is what the outbox turns into events, so a replay can neither write nor publish twice.
"""

from __future__ import annotations

from datetime import datetime

from kernel import clock, table
from kernel.context import correlation_id
from kernel.errors import Conflict
from kernel.settings import Channel

RETENTION_SECONDS = 30 * 86_400  # far longer than the signature tolerance, so no replay outlives it


def key(channel_id: str, webhook_id: str) -> dict:
    return {"pk": f"WEBHOOK#{channel_id}", "sk": webhook_id}


def record(channel: Channel, webhook_id: str, payload: dict, received: datetime) -> None:
    item = {
        **key(channel.id, webhook_id),
        "type": "webhook",
        "channel": channel.id,
        "channel_kind": channel.kind,
        "webhook_id": webhook_id,
        "payload": payload,
        "received_at": clock.iso(received),
        "ttl": int(received.timestamp()) + RETENTION_SECONDS,
        "seq": 1,
        "correlation_id": correlation_id(),
    }
    if not table.put_now(item):
        raise Conflict(f"webhook {webhook_id} of channel {channel.id} was received before", code="duplicate_delivery", webhook_id=webhook_id)
