"""The order lifecycle: which status may follow which, and one function that moves an order.

placed → awaiting_payment → paid → allocated → picking → ready_for_pickup | shipped → collected | delivered
→ closed; cancelled from any status before the goods left (shipped or collected). A "buy online, pay in
store" order is fulfilled before it is paid: it may go from awaiting_payment to allocated, and is paid at
the counter before it is collected (a guard of the fulfilment logic, not a status).
"""

from __future__ import annotations

from kernel.errors import Conflict
from orders.models.order import Order, OrderStatus, PaymentMode, TimelineEntry

S = OrderStatus

ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.placed: frozenset({S.awaiting_payment, S.paid, S.cancelled}),
    S.awaiting_payment: frozenset({S.paid, S.allocated, S.cancelled}),
    S.paid: frozenset({S.allocated, S.cancelled}),
    S.allocated: frozenset({S.picking, S.cancelled}),
    S.picking: frozenset({S.allocated, S.ready_for_pickup, S.shipped, S.cancelled}),  # back to allocated: re-sourced
    S.ready_for_pickup: frozenset({S.collected, S.cancelled}),
    S.shipped: frozenset({S.delivered, S.closed}),
    S.collected: frozenset({S.closed}),
    S.delivered: frozenset({S.closed}),
    S.closed: frozenset(),
    S.cancelled: frozenset(),
}

# Allowed by the table, but only for orders paid in store (the others wait for their money first).
_ONLY_IN_STORE = {(S.awaiting_payment, S.allocated)}


class InvalidTransition(Conflict):
    code, title = "invalid_transition", "Transition not allowed"


def can_move(order: Order, to: OrderStatus) -> bool:
    to = OrderStatus(to)
    if to not in ALLOWED[order.status]:
        return False
    return (order.status, to) not in _ONLY_IN_STORE or order.payment is PaymentMode.in_store


def advance(order: Order, to: OrderStatus, *, at: str, reason: str | None = None) -> Order:
    """The order moved to `to`, with a timeline entry and the next version; 409 naming both statuses if
    the lifecycle does not allow it. Pure: the caller writes it, guarded by the old version."""
    to = OrderStatus(to)
    if not can_move(order, to):
        raise InvalidTransition(
            f"order {order.number} is {order.status.value} and cannot become {to.value}",
            field="status",
            from_status=order.status.value,
            to_status=to.value,
        )
    entry = TimelineEntry(at=at, kind="status", status=to, version=order.version + 1, message=reason or f"{order.status.value} → {to.value}")
    return order.model_copy(update={"status": to, "version": order.version + 1, "updated_at": at, "timeline": [*order.timeline, entry]})


def noted(order: Order, *, at: str, kind: str, message: str, **changes) -> Order:
    """The order with a timeline entry that is not a status change (a refund, a return, a re-sourcing),
    and any other `changes` of its fields that belong to it."""
    entry = TimelineEntry(at=at, kind=kind, version=order.version + 1, message=message)
    return order.model_copy(update={**changes, "version": order.version + 1, "updated_at": at, "timeline": [*order.timeline, entry]})
