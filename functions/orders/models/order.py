"""An order: what was bought, where each line comes from, what it costs, and everything that happened to it.

An order is one item in the orders table (lines, fulfilments and timeline inside it: a cart has at most
25 lines and an order a bounded number of transitions), so every change of an order is one conditional
write guarded by its `version`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from kernel.model import Model
from orders.models.sourcing import Sourcing


class OrderStatus(StrEnum):
    placed = "placed"
    awaiting_payment = "awaiting_payment"
    paid = "paid"
    allocated = "allocated"
    picking = "picking"
    ready_for_pickup = "ready_for_pickup"
    shipped = "shipped"
    collected = "collected"
    delivered = "delivered"
    closed = "closed"
    cancelled = "cancelled"


class Origin(StrEnum):
    checkout = "checkout"  # placed through Omni's checkout by a storefront
    channel = "channel"  # a marketplace or POS order that joined the book (ChannelOrderReceived)


class PaymentMode(StrEnum):
    online = "online"  # paid through payments before fulfilment
    in_store = "in_store"  # buy online, pay in store: paid at the counter when collected
    prepaid = "prepaid"  # a channel order, paid where it was placed


class DeliveryMode(StrEnum):
    """What the shopper chose."""

    ship = "ship"  # to an address, from wherever sourcing decides (a warehouse or a store)
    pickup = "pickup"  # at a store: buy online pick up in store, or reserve online and collect


class Delivery(StrEnum):
    """How the order is delivered, after sourcing: the contract's `delivery` of OrderPlaced."""

    ship = "ship"  # one shipment from a warehouse
    ship_from_store = "ship_from_store"  # one shipment from a store
    split = "split"  # several shipments
    pickup = "pickup"


class FulfilmentKind(StrEnum):
    ship = "ship"
    pickup = "pickup"


class FulfilmentStatus(StrEnum):
    pending = "pending"  # sourced, stock hard-held
    picking = "picking"
    picked = "picked"  # stock committed: the units left the shelf
    ready_for_pickup = "ready_for_pickup"
    shipped = "shipped"
    collected = "collected"
    delivered = "delivered"
    cancelled = "cancelled"


class Contact(Model):
    email: str | None = None
    phone: str | None = None


class ShippingAddress(Model):
    name: str
    line1: str
    line2: str | None = None
    city: str
    postcode: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    latitude: float | None = None
    longitude: float | None = None


class LineHold(Model):
    """The line's hold in inventory as the order's own write placed it: its key (the channel's scope, the
    reference, the hold's line and location) and identity, so a fulfilment step moves it without reading it."""

    channel: str
    reference: str
    line: str
    location_id: str
    hold_id: str
    shards: dict[str, int]


class OrderLine(Model):
    line: str
    sku: str
    quantity: int
    unit_price: int
    line_total: int
    tax: int
    location_id: str = Field(description="where sourcing put the line")
    fulfilment_id: str
    refused_by: list[str] = Field(default_factory=list, description="locations that could not fulfil it (it was re-sourced)")
    # Inventory's business, never answered (like pickup_code_hash): the dal stores it beside the line; orders
    # placed before lines recorded their holds have none.
    hold: LineHold | None = Field(None, exclude=True)


class Fulfilment(Model):
    """The lines one location ships or hands over: a shipment, or a pickup at a store."""

    fulfilment_id: str
    location_id: str
    kind: FulfilmentKind
    lines: list[str]
    status: FulfilmentStatus = FulfilmentStatus.pending
    pickup_code: str | None = Field(None, description="the code to show at the counter: in the shopper's own order view, once (then only its hash is kept)")
    pickup_failures: int = Field(0, description="wrong pickup codes given since the last lock (or since ready)")
    pickup_locked_until: str | None = Field(None, description="after too many wrong codes: no code is accepted before this time")
    # Never serialized (not in answers, not in the document): the dal stores it beside the fulfilment.
    pickup_code_hash: str | None = Field(None, exclude=True)


class ReturnLine(Model):
    line: str
    sku: str
    received: int = Field(description="units handed back")
    damaged: int = Field(description="of those, units that cannot be sold again")


class Return(Model):
    return_id: str
    channel: str = Field(description="where it was received")
    location_id: str = Field(description="the receiving location: its sellable units go back to stock there")
    lines: list[ReturnLine]
    refund: int = Field(description="minor units, computed by Omni from the lines' prices and tax")
    at: str


class ReturnRequestLine(Model):
    line: str
    sku: str
    quantity: int = Field(description="units the shopper said they will bring or send back")


class ReturnRequest(Model):
    """A return the shopper started online: a store or warehouse then receives it (a `Return`)."""

    request_id: str = Field(description="show it at the counter or put it in the parcel: the receiving staff name it")
    lines: list[ReturnRequestLine]
    at: str
    received_as: str | None = Field(None, description="the return that received it (None: still on its way)")


class RefundReason(StrEnum):
    return_ = "return"
    cancellation = "cancellation"


class Refund(Model):
    refund_id: str = Field(description='the return id, or "cancel-<order_id>"')
    amount: int
    reason: RefundReason
    issued: bool = False
    at: str


class Totals(Model):
    currency: str
    subtotal: int
    shipping: int
    tax: int
    grand_total: int
    tax_inclusive: bool


class TimelineEntry(Model):
    at: str
    kind: str = Field(description="status, payment, refund, return, sourcing, fulfilment, stock, pickup, note")
    status: OrderStatus | None = Field(None, description="the status the order moved to (kind status)")
    version: int | None = Field(None, description="the order's version after this entry")
    message: str


class Order(Model):
    order_id: str
    number: str = Field(description="short and human-readable, for receipts and store counters")
    channel: str
    channel_kind: str
    origin: Origin = Origin.checkout
    channel_order_id: str | None = None
    customer_id: str | None = None
    profile_id: str | None = None
    contact: Contact = Field(default_factory=Contact)
    status: OrderStatus
    version: int = Field(1, description="grows by one with every change of the order")
    delivery_mode: DeliveryMode
    delivery: Delivery
    payment: PaymentMode
    paid: bool = False
    pay_by: str | None = None
    pickup_location_id: str | None = None
    address: ShippingAddress | None = None
    lines: list[OrderLine]
    fulfilments: list[Fulfilment]
    totals: Totals
    sourcing: Sourcing | None = None
    returns: list[Return] = Field(default_factory=list)
    return_requests: list[ReturnRequest] = Field(default_factory=list, description="returns the shopper started online")
    refunds: list[Refund] = Field(default_factory=list)
    profile_version: int | None = Field(None, description="version of the OrdersAttributed that set profile_id")
    timeline: list[TimelineEntry]
    placed_at: str
    updated_at: str
