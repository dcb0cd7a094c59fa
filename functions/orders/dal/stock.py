"""The one place orders gets inventory's hold operations, to write them in the transaction of an order's change.

Inventory owns the holds (reference = the order id, placed by checkout) and builds their moves; orders
only composes them. This module is the seam until inventory's public interface for orders lands
(`inventory.logic.for_orders`: `holds_of`, `commit`, `release`, built on kernel.table's multi-table
operations): today it builds the same moves with inventory's own code (`inventory.dal.holds.move` and the
stock rows' changes of `inventory.logic.holds`) and points them at the inventory table (TABLES). Swap the
body for `for_orders` at merge; callers keep calling `holds_of`, `operations_for` and, to re-source a line,
`locations`, `available` and `hold_operations` (for_orders: `keys`/`Stock.read` and `reserve`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from inventory.dal import holds as inventory_holds
from inventory.dal import locations as inventory_locations
from inventory.dal.stock import StockChange
from inventory.logic import holds as inventory_logic
from inventory.models.holds import ACTIVE, Hold, HoldState
from inventory.models.location import Location
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


# Re-sourcing: where else a line could come from, and the hold that takes it there.


def _query(pk: str, sk_prefix: str | None = None) -> list[dict]:
    condition, values = "pk = :pk", {":pk": pk}
    if sk_prefix:
        condition, values = condition + " AND begins_with(sk, :sk)", values | {":sk": sk_prefix}
    arguments = {"TableName": _inventory_table(), "KeyConditionExpression": condition, "ExpressionAttributeValues": values, "ConsistentRead": True}
    items: list[dict] = []
    while True:
        page = dynamodb().query(**arguments)
        items += [table.plain(item) for item in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return items
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def locations() -> list[Location]:
    return [inventory_locations.location_from(item) for item in _query("LOCATION")]


def available(sku: str) -> dict[str, int]:
    """Units a hold can take now, per location, from the SKU's first stock shard (the one a re-sourcing
    hold takes from: its condition, not this read, decides)."""
    rows = [row for row in _query(f"SKU#{sku}", "STOCK#") if int(row.get("shard", 0)) == 0]
    return {row["location_id"]: int(row.get("available", 0)) for row in rows}


def hold_operations(order: Order, line: str, sku: str, location_id: str, quantity: int, moment: datetime | None = None) -> list[dict]:
    """A hard hold of the order's line at another location, as inventory's reservation writes one: the hold
    row, its stock row guarded by `available >= quantity` (never oversold), the location serving the channel."""
    moment = moment or clock.now()
    now = clock.iso(moment)
    hold = Hold(hold_id=uuid.uuid4().hex, reference=order.order_id, line=line, sku=sku, location_id=location_id, quantity=quantity, shards={"0": quantity}, state=HoldState.hard, channel=order.channel, created_at=now, updated_at=now)
    operations = [inventory_holds.place(hold), StockChange(sku, location_id, 0, held=quantity, min_available=quantity).operation(), inventory_locations.serves(location_id, order.channel)]
    return [_on_inventory(operation) for operation in operations]
