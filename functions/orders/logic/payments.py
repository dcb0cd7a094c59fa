"""What payments' events do to an order (payments owns the money; orders only follows).

OrderPaid    awaiting_payment → paid → allocated (its stock was hard-held at checkout); a pay-in-store
             order being fulfilled only records that it is paid, so it can be collected.
PaymentFailed cancels the order (releasing its holds) when the policy says so for that reason; `expired`
             (payments' deadline passed) always does. Otherwise the timeline notes it and the order waits.
RefundIssued marks the refund issued, on the timeline.
Each is idempotent on the order's state: a replay, or an event for an order that moved on, changes nothing.
"""

from __future__ import annotations

from kernel.observability import logger
from kernel.settings import settings
from orders.logic import cancellation, changes
from orders.logic.lifecycle import advance, noted
from orders.models.order import Order, OrderStatus, PaymentMode

S = OrderStatus


def paid(order_id: str, amount: int, currency: str, tenders: list[str], at: str) -> Order:
    def decide(order: Order):
        if order.paid or order.status is S.cancelled or order.payment is PaymentMode.prepaid:
            if order.status is S.cancelled and not order.paid:
                logger.warning("OrderPaid for a cancelled order: payments voids it on OrderStatusChanged", extra={"order_id": order_id})
            return None
        how = f"paid {amount} {currency} by {', '.join(tenders) or 'unknown tender'}"
        if order.status is S.awaiting_payment and order.payment is PaymentMode.online:
            after = advance(order.model_copy(update={"paid": True}), S.paid, at=at, reason=how)
            return advance(after, S.allocated, at=at, reason="stock held at checkout: allocated"), []
        return noted(order, at=at, kind="payment", message=how, paid=True), []  # pay in store: fulfilled before paid

    return changes.change(order_id, decide)


def failed(order_id: str, reason: str, at: str) -> Order:
    def decide(order: Order):
        if order.paid or order.status is not S.awaiting_payment:
            return None  # paid meanwhile (another tender), or moved on: nothing to cancel
        if reason == "expired" or reason in settings().payment_failures_cancelling:
            return cancellation.cancelled(order, at=at, reason=f"payment {reason}")
        if any(entry.kind == "payment" and entry.message == f"payment {reason}" for entry in order.timeline[-1:]):
            return None  # a replay of the failure just noted
        return noted(order, at=at, kind="payment", message=f"payment {reason}"), []

    return changes.change(order_id, decide)


def refund_issued(order_id: str, refund_id: str, amount: int, currency: str, at: str) -> Order:
    def decide(order: Order):
        refund = next((r for r in order.refunds if r.refund_id == refund_id), None)
        if refund is None or refund.issued:
            return None
        refunds = [r.model_copy(update={"issued": True}) if r.refund_id == refund_id else r for r in order.refunds]
        return noted(order, at=at, kind="refund", message=f"refund {refund_id} issued: {amount} {currency}", refunds=refunds), []

    return changes.change(order_id, decide)
