"""Payments' events → orders: OrderPaid, PaymentFailed, RefundIssued (decision 31's contract).

Each reaction is idempotent on the order's state (a replay, or an event for an order that moved on,
changes nothing) and order-tolerant. Payments learns of orders from OrderPlaced, so an event about an
order orders does not have is junk a retry cannot fix: logged, counted and dropped."""

from __future__ import annotations

from kernel import clock
from kernel.consumer import event_handler
from kernel.envelope import Envelope
from kernel.errors import NotFound
from kernel.observability import logger, metrics
from orders.logic import payments
from payments.models.events import OrderPaid, PaymentFailed, RefundIssued


def _paid(event: Envelope) -> None:
    paid = event.unwrap(OrderPaid)
    payments.paid(paid.order_id, paid.amount, paid.currency, paid.tenders, at=clock.iso(event.time))


def _failed(event: Envelope) -> None:
    failed = event.unwrap(PaymentFailed)
    payments.failed(failed.order_id, failed.reason, at=failed.at)


def _refunded(event: Envelope) -> None:
    issued = event.unwrap(RefundIssued)
    payments.refund_issued(issued.order_id, issued.refund_id, issued.amount, issued.currency, at=clock.iso(event.time))


def _known_orders_only(reaction):
    def react(event: Envelope) -> None:
        try:
            reaction(event)
        except NotFound as unknown:
            logger.warning("payment event for an unknown order: dropped", extra={"detail": unknown.detail})
            metrics.add_metric(name="PaymentEventsDropped", unit="Count", value=1)

    return react


handler = event_handler({"OrderPaid": _known_orders_only(_paid), "PaymentFailed": _known_orders_only(_failed), "RefundIssued": _known_orders_only(_refunded)})
