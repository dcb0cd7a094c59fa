"""How every change of an order is made: read it, decide (pure), write the decision and the operations that
belong to it (inventory's hold moves…) in one transaction guarded by the version read; when another change
won the race, read again and decide again, so a decision is never made on a stale order."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from kernel import table
from kernel.errors import Conflict, NotFound
from orders.dal import orders as orders_table
from orders.dal import stock
from orders.models.order import Order

MAX_ATTEMPTS = 8


class Recorded(Exception):
    """A refusal that is itself a change of the order (a wrong pickup code counts): `after` is written like
    any decision, guarded by the version read, then `problem` is the answer."""

    def __init__(self, after: Order, problem: Exception):
        super().__init__(str(problem))
        self.after, self.problem = after, problem


# order -> None (nothing to change: a repeat) or (the order after, the other operations of the change)
Decision = Callable[[Order], tuple[Order, list[dict]] | None]


def change(order_id: str, decide: Decision, *, visible: Callable[[Order], bool] = lambda order: True) -> Order:
    """Read the order (one GetItem), decide, write (one transaction). The hold moves come from the holds the
    order's lines record; when a hold was not as recorded, the next attempts read the holds themselves."""
    holds_moved = False
    for _ in range(MAX_ATTEMPTS):
        with stock.reading_holds() if holds_moved else contextlib.nullcontext():
            decided = _attempt(order_id, decide, visible)
        if isinstance(decided, Order):
            return decided
        holds_moved = holds_moved or decided
    raise Conflict(f"order {order_id} changed too often; try again", code="contention")


def _attempt(order_id: str, decide: Decision, visible: Callable[[Order], bool]) -> Order | bool:
    """The order after the change; or False (the order moved) or True (a hold moved) to try again."""
    order = orders_table.get(order_id)
    if order is None or not visible(order):
        raise NotFound(f"no order {order_id}", field="order_id")
    problem = None
    try:
        decided = decide(order)
    except Recorded as recorded:
        decided, problem = (recorded.after, []), recorded.problem
    if decided is None:
        return order
    after, operations = decided
    try:
        orders_table.save(order, after, *operations)
    except orders_table.Moved:
        return False
    except table.Rejected as rejected:  # the order was as read, but a hold moved: look at both again
        if not rejected.failed():
            raise
        return True
    if problem is not None:
        raise problem
    return after
