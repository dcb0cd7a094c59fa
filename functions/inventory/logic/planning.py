"""Stock policy an operator sets: safety stock, expected receipts, channel buffers, hot-SKU shards."""

from __future__ import annotations

from inventory.dal import availability as availability_table
from inventory.dal import skus
from inventory.dal import stock as stock_table
from inventory.dal.stock import StockChange
from inventory.logic import shards as shard_cache
from inventory.logic import spread
from inventory.logic.atp import split_evenly
from inventory.logic.ledger import Step, guards, run
from inventory.logic.spread import Fixed
from kernel import table
from kernel.errors import Conflict, NotFound


def set_safety_stock(sku: str, location_id: str, quantity: int) -> None:
    """Safety stock is shared evenly over the SKU's shards (each guarded by the share it replaces);
    on hand then follows the shard rule, so no shard promises what the location keeps back."""

    def build() -> list[Step]:
        shard_count = shard_cache.shard_counts([sku])[sku]
        read = stock_table.shards(sku, location_id)
        rows = {shard.shard: shard for shard in read}
        shares = {shard: share - (rows[shard].safety if shard in rows else 0) for shard, share in enumerate(split_evenly(quantity, shard_count))}
        fixed = {shard: Fixed(safety=delta) for shard, delta in shares.items() if delta}
        return [*guards([sku], [location_id]), *(Step(operation, "stock") for operation in spread.plan(sku, location_id, read, fixed))]

    run(build)


def set_incoming(sku: str, location_id: str, quantity: int, expected_date: str | None) -> None:
    change = StockChange(sku, location_id, 0, incoming=(quantity, expected_date))
    run(lambda: [*guards([sku], [location_id]), Step(change.operation(), "stock")])


def set_buffer(sku: str, channel: str, quantity: int) -> None:
    run(lambda: [*guards([sku], []), Step(availability_table.set_buffer(sku, channel, quantity), "stock")])


def set_shards(sku: str, shards: int) -> None:
    """Split a hot SKU's stock rows: shard 0 shares what it has available with the new shards.
    Shards only grow: shrinking would have to move live holds between rows.

    Resumable and safe to repeat or race: the target count goes on the SKU's config first (guarded by
    the count it replaces), then every call, repeated or concurrent, finishes the split of every
    location whose rows are missing, one seq-guarded transaction per location. A crash in between leaves
    a SKU whose config names shards that have no row yet: reservations treat a missing shard as short
    and take from the rows that exist (decision 7), and the next call completes the split."""
    current = _grow_config(sku, shards)
    locations_of = {row.location_id for row in stock_table.rows_of(sku)}
    for location_id in sorted(locations_of):
        run(lambda location_id=location_id: _split_steps(sku, location_id, current))
    shard_cache.learn(sku, current)


def _grow_config(sku: str, shards: int) -> int:
    """Record `shards` as the SKU's count unless it has it already; the count the rows must have."""
    for _ in range(3):
        config = skus.get(sku)
        if config is None:
            raise NotFound(f"unknown sku {sku}", field="sku")
        current = int(config.get("shards", 1))
        if shards < current:
            raise Conflict(f"shards can only grow (now {current})", code="shards_only_grow", field="shards")
        if shards == current:
            return current
        try:
            table.transact([skus.set_shards(sku, shards, expected=current)])
            return shards
        except table.Rejected:
            continue  # another call changed the count since we read it: judge again against the new one
    raise Conflict("the shard count changed too often; try again", code="contention")


def _split_steps(sku: str, location_id: str, shards: int) -> list[Step]:
    """Create the location's missing shard rows, each with an even share of shard 0's available units;
    nothing when they all exist (a repeat, or a concurrent call that won)."""
    rows = {row.shard: row for row in stock_table.shards(sku, location_id)}
    missing = [shard for shard in range(1, shards) if shard not in rows]
    if not missing:
        return []
    first = rows.get(0)
    movable = max(0, first.available) if first else 0
    keep, *gifts = split_evenly(movable, len(missing) + 1)
    changes = [StockChange(sku, location_id, 0, on_hand=keep - movable, expect_seq=first.seq if first else 0, shards=shards)]
    changes += [StockChange(sku, location_id, shard, on_hand=units, expect_seq=0) for shard, units in zip(missing, gifts, strict=True)]
    return [Step(change.operation(), "stock") for change in changes]
