"""Cancelling an order before its goods leave: its holds are released in the same transaction (the units
are free again at once), units already picked but not handed over (a fulfilment picked or ready for pickup:
their holds were committed) go back on hand at the location that picked them, and an order that was paid
asks payments for its money back (RefundRequested, reason cancellation). All of it is one write of the
order, guarded by its version: a repeated cancellation finds it cancelled and changes nothing."""

from __future__ import annotations

from orders.dal import stock
from orders.logic import changes
from orders.logic.lifecycle import advance, noted
from orders.models.order import FulfilmentStatus, Order, OrderStatus, PaymentMode, Refund, RefundReason

_FINISHED = {FulfilmentStatus.shipped, FulfilmentStatus.collected, FulfilmentStatus.delivered, FulfilmentStatus.cancelled}
_ON_THE_SHELF = {FulfilmentStatus.picked, FulfilmentStatus.ready_for_pickup}  # committed, still in the building


def cancelled(order: Order, *, at: str, reason: str) -> tuple[Order, list[dict]] | None:
    if order.status is OrderStatus.cancelled:
        return None
    after = advance(order, OrderStatus.cancelled, at=at, reason=reason)  # 409 naming both once goods left
    fulfilments = [f if f.status in _FINISHED else f.model_copy(update={"status": FulfilmentStatus.cancelled, "pickup_code": None}) for f in after.fulfilments]
    refunds = list(after.refunds)
    if order.paid and order.payment is not PaymentMode.prepaid:  # a channel's own order is refunded by the channel
        refunds.append(Refund(refund_id=f"cancel-{order.order_id}", amount=order.totals.grand_total, reason=RefundReason.cancellation, at=at))
    picked = [f for f in order.fulfilments if f.status in _ON_THE_SHELF]
    restocked = [line for f in picked for line in f.lines]
    operations = stock.operations_for(order, {stock.RELEASE: [line.line for line in order.lines], stock.RESTOCK: restocked})
    after = after.model_copy(update={"fulfilments": fulfilments, "refunds": refunds})
    if picked:
        units = {line.line: line.quantity for line in order.lines}
        where = ", ".join(f"{sum(units[line] for line in f.lines)} unit(s) at {f.location_id}" for f in picked)
        after = noted(after, at=at, kind="stock", message=f"picked but not handed over: restocked {where}")
    return after, operations


def cancel(order_id: str, *, at: str, reason: str, customer_id: str | None = None) -> Order:
    """Cancel as a shopper (their own order only, another's is not found) or an operator (customer_id None)."""

    def visible(order: Order) -> bool:
        return customer_id is None or order.customer_id == customer_id

    return changes.change(order_id, lambda order: cancelled(order, at=at, reason=reason), visible=visible)
