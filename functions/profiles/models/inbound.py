"""The other domains' events profiles reacts to, as the cross-domain contract defines them: only the
fields profiles reads (extra fields are ignored, so producers may add more)."""

from __future__ import annotations

from kernel.model import Model


class Contact(Model):
    email: str | None = None
    phone: str | None = None


class PlacedLine(Model):
    sku: str
    quantity: int
    unit_price: int
    location_id: str | None = None


class OrderPlaced(Model):
    order_id: str
    number: str
    channel: str
    channel_kind: str
    origin: str = "checkout"
    channel_order_id: str | None = None
    customer_id: str | None = None
    contact: Contact = Contact()
    currency: str
    grand_total: int
    payment: str
    pickup_location_id: str | None = None
    lines: list[PlacedLine] = []
    placed_at: str


class OrderStatusChanged(Model):
    order_id: str
    to_status: str
    version: int
    at: str
    grand_total: int
    currency: str


class ReturnedLine(Model):
    sku: str
    received: int
    damaged: int = 0


class ReturnReceived(Model):
    return_id: str
    order_id: str
    lines: list[ReturnedLine]
    at: str


class OrderPaid(Model):
    order_id: str
    amount: int
    currency: str


class RefundIssued(Model):
    refund_id: str
    order_id: str
    amount: int
    currency: str


class ChannelCustomer(Model):
    channel_customer_id: str | None = None
    email: str | None = None
    phone: str | None = None


class ChannelOrderReceived(Model):
    channel: str
    channel_kind: str
    channel_order_id: str
    customer: ChannelCustomer = ChannelCustomer()
    placed_at: str
