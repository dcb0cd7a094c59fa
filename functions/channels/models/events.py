"""Events the channels domain publishes: what channels reported, in Omni's own terms."""

from __future__ import annotations

from kernel.envelope import DomainEvent
from kernel.model import Model


class SoldLine(Model):
    sku: str
    location_id: str
    quantity: int


class ChannelSaleRecorded(DomainEvent):
    """A channel (POS, marketplace) reported a sale that already happened, in a signed webhook."""

    TYPE = "ChannelSaleRecorded"

    channel: str
    channel_kind: str
    webhook_id: str  # the sender's delivery id: with the channel, the sale's idempotency key
    lines: list[SoldLine]


class StockReceiptPosted(DomainEvent):
    """A channel (a warehouse system, a store's back office) reported units received at a location."""

    TYPE = "StockReceiptPosted"

    channel: str
    webhook_id: str
    sku: str
    location_id: str
    quantity: int
