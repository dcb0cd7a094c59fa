"""Cancelling an order before its goods leave: its holds are released in the same transaction (the units
are free again at once), and an order that was paid asks payments for its money back (RefundRequested,
reason cancellation). Units already picked were committed: they are put back through a return, not here."""

from __future__ import annotations

from orders.dal import stock
from orders.logic import changes
from orders.logic.lifecycle import advance
from orders.models.order import FulfilmentStatus, Order, OrderStatus, PaymentMode, Refund, RefundReason

_FINISHED = {FulfilmentStatus.shipped, FulfilmentStatus.collected, FulfilmentStatus.delivered, FulfilmentStatus.cancelled}


def cancelled(order: Order, *, at: str, reason: str) -> tuple[Order, list[dict]] | None:
    if order.status is OrderStatus.cancelled:
        return None
    after = advance(order, OrderStatus.cancelled, at=at, reason=reason)  # 409 naming both once goods left
    fulfilments = [f if f.status in _FINISHED else f.model_copy(update={"status": FulfilmentStatus.cancelled, "pickup_code": None}) for f in after.fulfilments]
    refunds = list(after.refunds)
    if order.paid and order.payment is not PaymentMode.prepaid:  # a channel's own order is refunded by the channel
        refunds.append(Refund(refund_id=f"cancel-{order.order_id}", amount=order.totals.grand_total, reason=RefundReason.cancellation, at=at))
    operations = stock.operations_for(order, stock.RELEASE, [line.line for line in order.lines])
    return after.model_copy(update={"fulfilments": fulfilments, "refunds": refunds}), operations


def cancel(order_id: str, *, at: str, reason: str, customer_id: str | None = None) -> Order:
    """Cancel as a shopper (their own order only, another's is not found) or an operator (customer_id None)."""
    def visible(order: Order) -> bool:
        return customer_id is None or order.customer_id == customer_id

    return changes.change(order_id, lambda order: cancelled(order, at=at, reason=reason), visible=visible)
