"""The one place orders gets inventory's hold operations, to write them in the transaction of an order's change.

Inventory owns the holds (reference = the order id, in the order's channel's scope, placed by checkout)
and builds their moves behind its public interface, `inventory.logic.for_orders`; orders only composes
them (decision 32). Callers use `holds_of` and `operations_for`, and, to re-source lines, `stock_for`
and `hold_operations`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from inventory.logic import for_orders
from kernel import table
from orders.models.order import Order, Origin

Stock = for_orders.Stock
COMMIT, RELEASE, RESTOCK = "commit", "release", "restock"
_ACTIVE = frozenset({for_orders.HoldState.soft, for_orders.HoldState.hard})
# action -> (inventory's move, the hold states it moves): a restock puts committed units back on hand
_MOVES = {COMMIT: (for_orders.commit, _ACTIVE), RELEASE: (for_orders.release, _ACTIVE), RESTOCK: (for_orders.restock, frozenset({for_orders.HoldState.committed}))}


def holds_of(order: Order) -> list[for_orders.Hold]:
    """The order's holds in its channel's scope (one query of the inventory table)."""
    return for_orders.holds_of(order.channel, order.order_id)


def operations_for(order: Order, moves: dict[str, Iterable[str]], moment: datetime | None = None) -> list[dict]:
    """Inventory's operations that move the order's holds of the lines named per action (commit or release
    the active ones, restock the committed ones), read once and each guarded by the hold as read (identity
    and state), so a second writer's transaction fails instead of moving stock twice. Orders from other
    channels have no holds: inventory took their stock as a recorded sale."""
    if order.origin is Origin.channel or not any(moves.values()):
        return []
    found = holds_of(order)
    operations = []
    for action, lines in moves.items():
        move, states = _MOVES[action]
        wanted = set(lines)
        moving = [hold for hold in found if hold.line in wanted and hold.state in states]
        operations += move(moving, moment).operations if moving else []
    return operations


def stock_for(skus: Iterable[str], also: Callable[[list[str]], list[dict]] = lambda sites: []) -> tuple[Stock, list[dict]]:
    """What inventory has of these SKUs at every location (the candidates of a re-sourcing), and the items of
    orders' own table `also` names for those locations (today's capacity counters), in one batched read."""
    sites = for_orders.location_ids()
    found = table.batch_get({for_orders.TABLE: for_orders.keys(list(skus), sites), table.OWN: also(sites)})
    return for_orders.Stock.read(found[for_orders.TABLE]), found[table.OWN]


def hold_operations(order: Order, placed: Iterable[tuple[str, str, str, int]], stock: Stock) -> list[dict]:
    """Hard holds of the order's lines at the locations re-sourcing chose ((line, sku, location, quantity)
    each), built by inventory's own reservation: the hold rows, their stock rows guarded by
    `available >= units` (never oversold), each location serving the channel (one guard per location)."""
    wanted = [for_orders.HoldLineIn(line=line, sku=sku, location_id=location_id, quantity=quantity) for line, sku, location_id, quantity in placed]
    return for_orders.reserve(order.channel, order.order_id, wanted, stock).operations
