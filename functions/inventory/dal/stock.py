"""Stock rows: the one way they change, and how they are read."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from inventory.dal import keys
from inventory.models.stock import StockShard
from kernel import table
from kernel.context import correlation_id


@dataclass(frozen=True)
class StockChange:
    """A change of one stock row. `available` is kept equal to on_hand - held - unavailable - safety
    by deriving its delta here, so no caller can make it drift. The guards become the DynamoDB
    condition of the write: that is where "never oversell" is enforced."""

    sku: str
    location_id: str
    shard: int = 0
    on_hand: int = 0
    held: int = 0
    unavailable: int = 0
    safety: tuple[int, int] | None = None  # (expected current, new)
    min_available: int | None = None  # guard: available >= this before the change
    min_unavailable: int | None = None
    min_on_hand: int | None = None
    exact_available: int | None = None  # guard: available is exactly this before the change
    exact_on_hand: int | None = None  # guard: on hand is exactly this before the change (counts)
    expect_seq: int | None = None  # guard: nobody wrote the row since it was read (0: row absent)
    count_version: int | None = None  # guard: newer than the last count applied; then recorded
    must_exist: bool = False
    incoming: tuple[int, str | None] | None = None  # (quantity, expected date)
    shards: int | None = None  # recorded on shard 0 when a SKU is split, so stale readers notice

    @property
    def available_delta(self) -> int:
        safety_delta = self.safety[1] - self.safety[0] if self.safety else 0
        return self.on_hand - self.held - self.unavailable - safety_delta

    def operation(self) -> dict:
        values: dict = {
            ":zero": 0,
            ":one": 1,
            ":on_hand": self.on_hand,
            ":held": self.held,
            ":unavailable": self.unavailable,
            ":available": self.available_delta,
            ":sku": self.sku,
            ":location_id": self.location_id,
            ":shard": self.shard,
            ":type": "stock",
            ":correlation_id": correlation_id(),
            **{f":{name}": value for name, value in keys.by_location(self.location_id, self.sku, self.shard).items()},
        }
        assignments = [f"#{name} = if_not_exists(#{name}, :zero) + :{name}" for name in ("on_hand", "held", "unavailable", "available")]
        assignments += [f"#{name} = :{name}" for name in ("sku", "location_id", "shard", "type", "correlation_id", "gsi2pk", "gsi2sk")]
        guards = []
        if self.safety:
            values[":safety_old"], values[":safety_new"] = self.safety
            assignments.append("#safety = :safety_new")
            guards.append("(#safety = :safety_old OR (attribute_not_exists(#safety) AND :safety_old = :zero))")
        if self.min_available is not None:
            values[":need"] = self.min_available
            guards.append("#available >= :need")
        if self.min_on_hand is not None:
            values[":need_on_hand"] = self.min_on_hand
            guards.append("#on_hand >= :need_on_hand")
        if self.min_unavailable is not None:
            values[":need_unavailable"] = self.min_unavailable
            guards.append("#unavailable >= :need_unavailable")
        if self.exact_available is not None:
            values[":exact_available"] = self.exact_available
            guards.append("#available = :exact_available")
        if self.exact_on_hand is not None:
            values[":exact_on_hand"] = self.exact_on_hand
            guards.append("#on_hand = :exact_on_hand")
        if self.expect_seq == 0:
            guards.append("attribute_not_exists(#seq)")
        elif self.expect_seq is not None:
            values[":seq"] = self.expect_seq
            guards.append("#seq = :seq")
        if self.count_version is not None:
            values[":count_version"] = self.count_version
            assignments.append("#count_version = :count_version")
            guards.append("(attribute_not_exists(#count_version) OR #count_version < :count_version)")
        if self.must_exist:
            guards.append("attribute_exists(pk)")
        if self.incoming:
            values[":incoming_quantity"], values[":incoming_date"] = self.incoming
            assignments.append("#incoming_quantity = :incoming_quantity, #incoming_date = :incoming_date")
        if self.shards is not None:
            values[":shards"] = self.shards
            assignments.append("#shards = :shards")
        expression = "SET " + ", ".join(assignments) + " ADD #seq :one"
        condition = " AND ".join(guards) or None
        used = set(re.findall(r"#(\w+)", expression + " " + (condition or "")))
        return keys.TABLE.update(keys.stock(self.sku, self.location_id, self.shard), expression, condition, values, {f"#{name}": name for name in used})


def shard_from(item: dict) -> StockShard:
    return table.as_model(StockShard, item)


def shards(sku: str, location_id: str) -> list[StockShard]:
    return [shard_from(item) for item in keys.TABLE.query(f"SKU#{sku}", keys.stock_prefix(location_id))]


def rows_of(sku: str) -> list[StockShard]:
    return [shard_from(item) for item in keys.TABLE.query(f"SKU#{sku}", keys.stock_prefix())]


def skus_at(location_id: str) -> list[str]:
    return sorted({item["sku"] for item in keys.TABLE.query(f"LOC#{location_id}", index="gsi2")})


_ADDED = ("on_hand", "held", "unavailable", "min_available", "min_on_hand", "min_unavailable")


def merged(changes: list[StockChange]) -> list[StockChange]:
    """One change per stock row (a transaction may touch an item only once): deltas and the
    minimums they need add up."""
    by_row: dict[tuple[str, str, int], StockChange] = {}
    for change in changes:
        row = (change.sku, change.location_id, change.shard)
        first = by_row.get(row)
        if first is None:
            by_row[row] = change
            continue
        sums = {}
        for name in _ADDED:
            a, b = getattr(first, name), getattr(change, name)
            sums[name] = None if a is None and b is None else (a or 0) + (b or 0)
        by_row[row] = replace(first, **sums, must_exist=first.must_exist or change.must_exist)
    return list(by_row.values())


def guard(shard: StockShard, *, exact_available: bool = False, exact_on_hand: bool = False, non_negative: bool = False) -> dict:
    """A transaction guard on a stock row the change leaves as it is: its figures as read, or >= 0."""
    conditions, values = [], {}
    if exact_available:
        conditions.append("available = :available")
        values[":available"] = shard.available
    if exact_on_hand:
        conditions.append("on_hand = :on_hand")
        values[":on_hand"] = shard.on_hand
    if non_negative:
        conditions.append("available >= :zero")
        values[":zero"] = 0
    return keys.TABLE.check(keys.stock(shard.sku, shard.location_id, shard.shard), " AND ".join(conditions), values)


def unchanged(shard: StockShard) -> dict:
    """A transaction guard: this stock row was not written since it was read."""
    return keys.TABLE.check(keys.stock(shard.sku, shard.location_id, shard.shard), "seq = :seq", {":seq": shard.seq})
