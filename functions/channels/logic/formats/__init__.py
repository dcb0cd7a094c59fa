"""The inbound formats: how each kind of channel server signs a delivery and shapes its body, and how
that body becomes Omni's events. Pure: no I/O. Every format module has

  verify(secret, headers, body, now) -> Delivery     at the door, before anything is stored
  normalize(entry, body, mappings) -> list[event]     later, from the stored raw body (the inbox's stream)

`normalize` raises Parked when a name the channel used has no mapping yet (an operator maps it and replays
the entry) and Malformed when the body can never become an event (the entry fails, visibly).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from kernel.strict_json import loads as strict_json


@dataclass(frozen=True)
class Delivery:
    """What the door learned from a verified delivery."""

    webhook_id: str  # the sender's delivery id: the inbox's deduplication key
    topic: str  # what the delivery says happened (sale, orders/create, order.created...)
    sent_at: str | None = None  # the sender's own time of the delivery, as it wrote it


@dataclass(frozen=True)
class Entry:
    """A stored delivery, as normalization sees it."""

    channel: str
    channel_kind: str
    webhook_id: str
    topic: str
    sent_at: str | None = None


class Parked(Exception):
    """The delivery names something the channel's mappings do not know: kept until an operator maps it."""

    def __init__(self, reason: str, field: str):
        super().__init__(reason)
        self.reason, self.field = reason, field


class Malformed(Exception):
    """The delivery can never become an event (a body that does not match its format)."""


@dataclass(frozen=True)
class Mappings:
    """A channel's names for SKUs and locations, to Omni's. `strict`: a name without a mapping parks the
    delivery; otherwise (the omni format, whose senders already use Omni's ids) it is taken as Omni's."""

    skus: Mapping[str, str] = field(default_factory=dict)
    locations: Mapping[str, str] = field(default_factory=dict)
    strict: bool = True

    def sku(self, channel_sku: str | None, where: str) -> str:
        if channel_sku and channel_sku in self.skus:
            return self.skus[channel_sku]
        if channel_sku and not self.strict:
            return channel_sku
        raise Parked(f"no mapping for the channel's SKU {channel_sku!r}", field=where)

    def location(self, channel_location: str | None, where: str) -> str:
        """A location the channel named, or its `default` mapping when it named none."""
        name = channel_location if channel_location not in (None, "") else DEFAULT_LOCATION
        if name in self.locations:
            return self.locations[name]
        if not self.strict and channel_location:
            return channel_location
        raise Parked(f"no mapping for the channel's location {name!r}", field=where)


DEFAULT_LOCATION = "default"  # the location mapping used when a delivery names no location (online orders)


def line_event_id(webhook_id: str, line: int) -> str:
    """An id per line of a delivery that inventory applies line by line (a return's receipts), within the
    64 characters of an Identifier once the channel is prefixed: long delivery ids are hashed."""
    short = webhook_id if len(webhook_id) <= 24 else "h" + hashlib.sha256(webhook_id.encode()).hexdigest()[:23]
    return f"{short}.{line}"


def json_body(raw: bytes) -> dict:
    """A stored body as JSON (read strictly, as every Omni route reads JSON), or Malformed."""
    try:
        body = strict_json(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Malformed(f"the body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise Malformed("the body is not a JSON object")
    return body


def parse_time(text: str) -> datetime:
    """ISO 8601 times as channels write them: offsets (-05:00, Z) and up to nanoseconds (Python reads microseconds)."""
    trimmed = re.sub(r"(\.\d{6})\d+", r"\1", text.strip())
    moment = datetime.fromisoformat(trimmed.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment
