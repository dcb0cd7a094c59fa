"""The one place orders gets inventory's hold operations, to write them in the transaction of an order's change.

Inventory owns the holds (reference = the order id, placed by checkout) and builds their moves; orders
only composes them. This module is the seam until inventory's public interface for orders lands
(`inventory.logic.for_orders`: `holds_of`, `commit`, `release`, built on kernel.table's multi-table
operations): today it builds the same moves with inventory's own code (`inventory.dal.holds.move` and the
stock rows' changes of `inventory.logic.holds`) and points them at the inventory table (TABLES). Swap the
body for `for_orders` at merge; callers keep calling `holds_of` and `operations_for`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from inventory.dal import holds as inventory_holds
from inventory.logic import holds as inventory_logic
from inventory.models.holds import ACTIVE, Hold, HoldState
from kernel import clock, table
from kernel.aws import dynamodb
from kernel.settings import settings
from orders.models.order import Order, Origin

COMMIT, RELEASE = "commit", "release"
_TARGET = {COMMIT: HoldState.committed, RELEASE: HoldState.released}


def _inventory_table() -> str:
    return settings().table_of("inventory")


def _on_inventory(operation: dict) -> dict:
    (kind, body), = operation.items()
    return {kind: {**body, "TableName": _inventory_table()}}


def holds_of(order: Order) -> list[Hold]:
    """The order's holds in its channel's scope (one query of the inventory table)."""
    items: list[dict] = []
    arguments = {"TableName": _inventory_table(), "KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": f"HOLD#{order.order_id}"}, "ConsistentRead": True}
    while True:
        page = dynamodb().query(**arguments)
        items += [table.plain(item) for item in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            break
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return [hold for hold in map(inventory_holds.hold_from, items) if hold.channel == order.channel]


def operations_for(order: Order, action: str, lines: Iterable[str], moment: datetime | None = None) -> list[dict]:
    """Inventory's operations that commit or release the order's active holds of `lines`, each guarded by
    the hold as read (identity and state), so a second writer's transaction fails instead of moving stock
    twice. Orders from other channels have no holds: inventory took their stock as a recorded sale."""
    if order.origin is Origin.channel:
        return []
    wanted = set(lines)
    moving = [hold for hold in holds_of(order) if hold.line in wanted and hold.state in ACTIVE]
    if not moving:
        return []
    target = _TARGET[action]
    if target is HoldState.released and any(set(hold.shards) != {"0"} for hold in moving):
        # inventory spreads units freed on other shards by reading its rows: for_orders.release does that
        raise NotImplementedError("releasing a sharded SKU's hold needs inventory.logic.for_orders")
    moment = moment or clock.now()
    now = clock.iso(moment)
    operations = [inventory_holds.move(hold, target, now, now_epoch=int(moment.timestamp())) for hold in moving]
    operations += inventory_logic._stock_operations(moving, target)
    return [_on_inventory(operation) for operation in operations]
