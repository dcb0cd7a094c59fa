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


class StockCountPosted(DomainEvent):
    """A channel that keeps the stock of a location (a Shopify-managed location, a warehouse system)
    reported an absolute figure: inventory applies it as a count, the highest `count_version` winning."""

    TYPE = "StockCountPosted"

    channel: str
    webhook_id: str  # with the channel, the count's idempotency key
    sku: str
    location_id: str
    quantity: int
    count_version: int  # the sender's time or version of the figure: an older figure never overwrites a newer


class OrderLine(Model):
    sku: str  # Omni's, after the channel's mappings
    quantity: int
    unit_price: int  # minor units
    location_id: str  # Omni's: where the units are taken from


class OrderCustomer(Model):
    channel_customer_id: str | None = None
    email: str | None = None
    phone: str | None = None
    name: str | None = None  # the buyer's, as the channel has it (profiles weighs it on shared phones)


class ChannelOrderReceived(DomainEvent):
    """An order taken on a channel (Shopify, a marketplace), already paid there (contracts.md)."""

    TYPE = "ChannelOrderReceived"

    channel: str
    channel_kind: str
    channel_order_id: str
    webhook_id: str
    currency: str
    lines: list[OrderLine]
    subtotal: int
    shipping: int
    tax: int
    grand_total: int
    customer: OrderCustomer
    fulfilled: bool  # true: handed over already (a POS sale); false: Omni's locations must ship it
    placed_at: str


class ChannelOrderCancelled(DomainEvent):
    TYPE = "ChannelOrderCancelled"

    channel: str
    channel_order_id: str
    webhook_id: str
    at: str


# Every event the inbox can hold once normalized, by type: the outbox rebuilds them from the stored data.
NORMALIZED_EVENTS: dict[str, type[DomainEvent]] = {event.TYPE: event for event in (ChannelSaleRecorded, StockReceiptPosted, StockCountPosted, ChannelOrderReceived, ChannelOrderCancelled)}
