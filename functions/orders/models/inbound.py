"""What orders reads of other domains' events (decision 31's contract): only the fields it uses, so a
producer adding fields never breaks it. These are views, not the producers' own models (those live in
the producing domain, which publishes the schemas)."""

from __future__ import annotations

from kernel.model import Model


class OrderPaid(Model):
    order_id: str
    amount: int
    currency: str
    tenders: list[str] = []


class PaymentFailed(Model):
    order_id: str
    reason: str  # failed | cancelled | expired
    at: str


class RefundIssued(Model):
    refund_id: str
    order_id: str
    amount: int
    currency: str


class ChannelOrderLine(Model):
    sku: str
    quantity: int
    unit_price: int
    location_id: str


class ChannelCustomer(Model):
    channel_customer_id: str | None = None
    email: str | None = None
    phone: str | None = None


class ChannelOrderReceived(Model):
    channel: str
    channel_kind: str | None = None
    channel_order_id: str
    webhook_id: str
    currency: str
    lines: list[ChannelOrderLine]
    subtotal: int
    shipping: int
    tax: int
    grand_total: int
    customer: ChannelCustomer = ChannelCustomer()
    fulfilled: bool
    placed_at: str


class ChannelOrderCancelled(Model):
    channel: str
    channel_order_id: str
    webhook_id: str
    at: str


class OrdersAttributed(Model):
    profile_id: str
    order_ids: list[str]
    customer_ids: list[str] = []
    version: int
    at: str | None = None
