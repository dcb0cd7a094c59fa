"""Stock policy an operator sets: safety stock, expected receipts, channel buffers, hot-SKU shards."""

from __future__ import annotations

from collections import defaultdict

from inventory.dal import availability as availability_table
from inventory.dal import skus
from inventory.dal import stock as stock_table
from inventory.dal.stock import StockChange
from inventory.logic import shards as shard_cache
from inventory.logic.atp import split_evenly
from inventory.logic.ledger import Step, guards, run
from kernel import table
from kernel.errors import Conflict, NotFound


def set_safety_stock(sku: str, location_id: str, quantity: int) -> None:
    """Safety stock is shared evenly over the SKU's shards, each guarded by the share it replaces."""

    def build() -> list[Step]:
        shard_count = shard_cache.shard_counts([sku])[sku]
        rows = {shard.shard: shard for shard in stock_table.shards(sku, location_id)}
        steps = guards([sku], [location_id])
        for shard, share in enumerate(split_evenly(quantity, shard_count)):
            row = rows.get(shard)
            if row is None and share == 0:
                continue
            old = row.safety if row else 0
            change = StockChange(sku, location_id, shard, safety=(old, share), expect_seq=row.seq if row else 0)
            steps.append(Step(change.operation(), "stock"))
        return steps

    run(build)


def set_incoming(sku: str, location_id: str, quantity: int, expected_date: str | None) -> None:
    change = StockChange(sku, location_id, 0, incoming=(quantity, expected_date))
    run(lambda: [*guards([sku], [location_id]), Step(change.operation(), "stock")])


def set_buffer(sku: str, channel: str, quantity: int) -> None:
    run(lambda: [*guards([sku], []), Step(availability_table.set_buffer(sku, channel, quantity), "stock")])


def set_shards(sku: str, shards: int) -> None:
    """Split a hot SKU's stock rows: shard 0 shares what it has available with the new shards.
    Shards only grow: shrinking would have to move live holds between rows."""
    config = skus.get(sku)
    if config is None:
        raise NotFound(f"unknown sku {sku}", field="sku")
    current = int(config.get("shards", 1))
    if shards < current:
        raise Conflict(f"shards can only grow (now {current})", code="shards_only_grow", field="shards")
    if shards == current:
        return
    table.transact([skus.set_shards(sku, shards, expected=current)])
    by_location = defaultdict(dict)
    for row in stock_table.rows_of(sku):
        by_location[row.location_id][row.shard] = row
    for location_id in by_location:
        run(lambda location_id=location_id: _split_steps(sku, location_id, current, shards))
    shard_cache.learn(sku, shards)


def _split_steps(sku: str, location_id: str, current: int, shards: int) -> list[Step]:
    rows = {row.shard: row for row in stock_table.shards(sku, location_id)}
    first = rows.get(0)
    movable = max(0, first.available) if first else 0
    keep, *gifts = split_evenly(movable, shards - current + 1)
    changes = [StockChange(sku, location_id, 0, on_hand=keep - movable, expect_seq=first.seq if first else 0, shards=shards)]
    changes += [StockChange(sku, location_id, current + index, on_hand=units, expect_seq=0) for index, units in enumerate(gifts)]
    return [Step(change.operation(), "stock") for change in changes]
