"""The one place orders gets inventory's hold operations, to write them in the transaction of an order's change.

Inventory owns the holds (reference = the order id, in the order's channel's scope, placed by checkout)
and builds their moves behind its public interface, `inventory.logic.for_orders`; orders only composes
them (decision 32). Callers use `holds_of` and `operations_for`, and, to re-source a line, `stock_for`
and `hold_operations`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from inventory.logic import for_orders
from kernel import table
from orders.models.order import Order, Origin

Stock = for_orders.Stock
COMMIT, RELEASE = "commit", "release"
_MOVES = {COMMIT: for_orders.commit, RELEASE: for_orders.release}
_ACTIVE = {for_orders.HoldState.soft, for_orders.HoldState.hard}


def holds_of(order: Order) -> list[for_orders.Hold]:
    """The order's holds in its channel's scope (one query of the inventory table)."""
    return for_orders.holds_of(order.channel, order.order_id)


def operations_for(order: Order, action: str, lines: Iterable[str], moment: datetime | None = None) -> list[dict]:
    """Inventory's operations that commit or release the order's active holds of `lines`, each guarded by
    the hold as read (identity and state), so a second writer's transaction fails instead of moving stock
    twice. Orders from other channels have no holds: inventory took their stock as a recorded sale."""
    if order.origin is Origin.channel:
        return []
    wanted = set(lines)
    moving = [hold for hold in holds_of(order) if hold.line in wanted and hold.state in _ACTIVE]
    return _MOVES[action](moving, moment).operations if moving else []


def stock_for(skus: Iterable[str]) -> Stock:
    """What inventory has of these SKUs at every location, read once (the candidates of a re-sourcing)."""
    keys = for_orders.keys(list(skus), for_orders.location_ids())
    return for_orders.Stock.read(table.batch_get({for_orders.TABLE: keys})[for_orders.TABLE])


def hold_operations(order: Order, line: str, sku: str, location_id: str, quantity: int, stock: Stock) -> list[dict]:
    """A hard hold of the order's line at another location, built by inventory's own reservation: the hold
    row, its stock rows guarded by `available >= units` (never oversold), the location serving the channel."""
    wanted = [for_orders.HoldLineIn(line=line, sku=sku, location_id=location_id, quantity=quantity)]
    return for_orders.reserve(order.channel, order.order_id, wanted, stock).operations
