"""Outbound sync, the rules: which update an Omni event means for a channel, what the channel gets, and
how long a failed update waits before its next try. Pure.

Coalescing: each (channel, topic, SKU) has one pending row holding the newest figure and its version
(AvailabilityChanged's `basis`, PriceChanged's `seq`: a figure is taken only over a lower version). A
change that finds the row unscheduled schedules one send after the channel's coalescing window; the
changes of a burst that arrive meanwhile only replace the figure. The sender sends the row's figure as
it is then, once per version, under a lease (one sender per row), so no older figure follows a newer one.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.envelope import Envelope

TOPICS = {"AvailabilityChanged": "availability", "PriceChanged": "price"}
MAX_ATTEMPTS = 5  # the queue's maxReceiveCount: the fifth failed try goes to the dead-letter queue
BACKOFF_BASE_SECONDS = 2
BACKOFF_CAP_SECONDS = 900  # SQS's longest delay


@dataclass(frozen=True)
class Change:
    channel: str
    topic: str  # availability | price
    sku: str
    version: int
    figure: dict


def change_of(envelope: Envelope) -> Change:
    data = envelope.data
    if envelope.type == "AvailabilityChanged":
        return Change(channel=data["channel"], topic="availability", sku=data["sku"], version=int(data["basis"]), figure={"available": data["available"]})
    if envelope.type == "PriceChanged":
        return Change(channel=data["channel"], topic="price", sku=data["sku"], version=int(data["seq"]), figure={"currency": data["currency"], "amount": data["amount"]})
    raise ValueError(f"no outbound update for {envelope.type}")


def needs_sending(row: dict | None) -> bool:
    return row is not None and int(row["version"]) > int(row.get("sent_version") or 0)


def needs_scheduling(row: dict | None) -> bool:
    return needs_sending(row) and not row.get("scheduled")


def delivery_id(topic: str, sku: str, version: int) -> str:
    """The same for every try of one figure: the receiver can deduplicate."""
    return f"{topic}-{sku}-{version}"


def payload(channel: str, row: dict, channel_sku: str | None) -> dict:
    """What the channel receives: the figure, Omni's SKU and the channel's own name for it, the version."""
    return {"type": row["topic"], "channel": channel, "sku": row["sku"], "channel_sku": channel_sku, "version": int(row["version"]), **row["figure"]}


def backoff_seconds(attempt: int) -> int:
    """Seconds before try `attempt + 1`: 2, 4, 8, 16 (BACKOFF_BASE_SECONDS doubling), at most 15 minutes."""
    return min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempt - 1))
