"""How every change of an order is made: read it, decide (pure), write the decision and the operations that
belong to it (inventory's hold moves…) in one transaction guarded by the version read; when another change
won the race, read again and decide again, so a decision is never made on a stale order."""

from __future__ import annotations

from collections.abc import Callable

from kernel import table
from kernel.errors import Conflict, NotFound
from orders.dal import orders as orders_table
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
    for _ in range(MAX_ATTEMPTS):
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
            continue
        except table.Rejected as rejected:  # the order was as read, but a hold moved: look at both again
            if not rejected.failed():
                raise
            continue
        if problem is not None:
            raise problem
        return after
    raise Conflict(f"order {order_id} changed too often; try again", code="contention")
