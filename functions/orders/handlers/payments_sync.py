"""Payments' events → orders: OrderPaid, PaymentFailed, RefundIssued (decision 31's contract).

Each reaction is idempotent on the order's state (a replay, or an event for an order that moved on,
changes nothing) and order-tolerant. An order orders does not know yet raises, for EventBridge to retry."""

from __future__ import annotations

from kernel import clock
from kernel.consumer import event_handler
from kernel.envelope import Envelope
from orders.logic import payments
from orders.models.inbound import OrderPaid, PaymentFailed, RefundIssued


def _paid(event: Envelope) -> None:
    paid = event.unwrap(OrderPaid)
    payments.paid(paid.order_id, paid.amount, paid.currency, paid.tenders, at=clock.iso(event.time))


def _failed(event: Envelope) -> None:
    failed = event.unwrap(PaymentFailed)
    payments.failed(failed.order_id, failed.reason, at=failed.at)


def _refunded(event: Envelope) -> None:
    issued = event.unwrap(RefundIssued)
    payments.refund_issued(issued.order_id, issued.refund_id, issued.amount, issued.currency, at=clock.iso(event.time))


handler = event_handler({"OrderPaid": _paid, "PaymentFailed": _failed, "RefundIssued": _refunded})
