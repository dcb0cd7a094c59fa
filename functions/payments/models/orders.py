"""The orders events payments reacts to, as the cross-domain contract defines them (source omni.orders).

Payments keeps its own copy of what it needs of each order (amount, currency, channel, payment mode,
deadline, customer, status) from these events; it never reads the orders table.
"""

from __future__ import annotations

from typing import Literal

from kernel.envelope import DomainEvent


class OrderPlaced(DomainEvent):
    TYPE = "OrderPlaced"

    order_id: str
    number: str | None = None
    channel: str
    channel_kind: str | None = None
    customer_id: str | None = None
    currency: str
    grand_total: int
    payment: Literal["online", "in_store", "prepaid"]
    pay_by: str | None = None
    delivery: str | None = None
    placed_at: str | None = None


class OrderStatusChanged(DomainEvent):
    TYPE = "OrderStatusChanged"

    order_id: str
    channel: str | None = None
    customer_id: str | None = None
    from_status: str | None = None
    to_status: str
    reason: str | None = None
    version: int
    at: str | None = None
    grand_total: int | None = None
    currency: str | None = None


class RefundRequested(DomainEvent):
    TYPE = "RefundRequested"

    refund_id: str
    order_id: str
    amount: int
    currency: str
    reason: Literal["return", "cancellation"]
    at: str | None = None
