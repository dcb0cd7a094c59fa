"""Events orders publishes (through its outbox). Fields and meanings: the cross-domain contract of decision 31."""

from __future__ import annotations

from kernel.envelope import DomainEvent
from kernel.model import Model


class PlacedLine(Model):
    line: str
    sku: str
    quantity: int
    unit_price: int
    line_total: int
    location_id: str


class EventContact(Model):
    email: str | None = None
    phone: str | None = None


class OrderPlaced(DomainEvent):
    TYPE = "OrderPlaced"

    order_id: str
    number: str
    channel: str
    channel_kind: str
    origin: str  # checkout | channel
    channel_order_id: str | None
    customer_id: str | None
    contact: EventContact
    currency: str
    subtotal: int
    shipping: int
    tax: int
    grand_total: int
    tax_inclusive: bool
    payment: str  # online | in_store | prepaid
    pay_by: str | None
    delivery: str  # ship | pickup | ship_from_store | split
    pickup_location_id: str | None
    lines: list[PlacedLine]
    placed_at: str


class OrderStatusChanged(DomainEvent):
    TYPE = "OrderStatusChanged"

    order_id: str
    number: str
    channel: str
    customer_id: str | None
    from_status: str
    to_status: str
    reason: str | None
    version: int
    at: str
    grand_total: int
    currency: str


class ReturnedLine(Model):
    sku: str
    received: int
    damaged: int


class ReturnReceived(DomainEvent):
    TYPE = "ReturnReceived"

    return_id: str
    order_id: str
    channel: str
    location_id: str
    lines: list[ReturnedLine]
    at: str


class RefundRequested(DomainEvent):
    TYPE = "RefundRequested"

    refund_id: str
    order_id: str
    amount: int
    currency: str
    reason: str  # return | cancellation
    at: str
