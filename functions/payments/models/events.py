"""Events payments publishes (through its outbox), as the cross-domain contract defines them."""

from __future__ import annotations

from typing import Literal

from kernel.envelope import DomainEvent
from kernel.model import Model


class PaymentAuthorized(DomainEvent):
    """A tender's money was authorized (or received at once: cash, gift card)."""

    TYPE = "PaymentAuthorized"

    payment_id: str
    order_id: str
    tender: str
    provider: str
    provider_reference: str
    amount: int
    currency: str
    authorized_total: int


class PaymentCaptured(DomainEvent):
    TYPE = "PaymentCaptured"

    payment_id: str
    order_id: str
    amount: int
    currency: str
    captured_total: int


class OrderPaid(DomainEvent):
    """Once per order: when authorized or received money first covers its grand total."""

    TYPE = "OrderPaid"

    order_id: str
    amount: int
    currency: str
    tenders: list[str]


class PaymentFailed(DomainEvent):
    TYPE = "PaymentFailed"

    order_id: str
    reason: Literal["failed", "cancelled", "expired"]
    at: str


class RefundedTender(Model):
    tender: str
    amount: int


class RefundIssued(DomainEvent):
    TYPE = "RefundIssued"

    refund_id: str
    order_id: str
    amount: int
    currency: str
    tenders: list[RefundedTender]


class PaymentDisputed(DomainEvent):
    """The shopper's bank disputes a captured charge (a chargeback): the amount is held from the merchant."""

    TYPE = "PaymentDisputed"

    payment_id: str
    order_id: str
    dispute_id: str
    provider_reference: str
    amount: int
    currency: str
    reason: str


class PaymentDisputeClosed(DomainEvent):
    """A dispute ended: won (the held amount comes back) or lost (it went to the shopper: charged back)."""

    TYPE = "PaymentDisputeClosed"

    payment_id: str
    order_id: str
    dispute_id: str
    provider_reference: str
    amount: int
    currency: str
    outcome: Literal["won", "lost"]


class PaymentAlert(DomainEvent):
    """Something a provider reported that Omni refused: an operator should look (e.g. amount_mismatch)."""

    TYPE = "PaymentAlert"

    kind: str
    provider: str
    provider_reference: str
    order_id: str | None = None
    detail: str
