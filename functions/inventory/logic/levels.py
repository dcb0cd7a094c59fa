"""Reading stock: levels for operators, available to promise for channels."""

from __future__ import annotations

from collections import defaultdict

from inventory.dal import availability as availability_table
from inventory.dal import locations
from inventory.dal import stock as stock_table
from inventory.logic.atp import location_available
from inventory.logic.shards import shard_counts
from inventory.models.availability import Availability, SkuAvailability
from inventory.models.stock import StockLevel, StockShard
from kernel.errors import NotFound


def _level(shards: list[StockShard]) -> StockLevel:
    first = min(shards, key=lambda shard: shard.shard)
    return StockLevel(
        sku=first.sku,
        location_id=first.location_id,
        on_hand=sum(shard.on_hand for shard in shards),
        held=sum(shard.held for shard in shards),
        unavailable=sum(shard.unavailable for shard in shards),
        safety_stock=sum(shard.safety for shard in shards),
        available_to_promise=location_available(shards),
        incoming_quantity=first.incoming_quantity,
        incoming_date=first.incoming_date,
        shards=len(shards),
    )


def stock_levels(sku: str, location_id: str | None = None) -> list[StockLevel]:
    shard_counts([sku])  # NotFound for an unknown SKU
    if location_id and locations.get(location_id) is None:
        raise NotFound(f"unknown location {location_id}", field="location_id")
    by_location: dict[str, list[StockShard]] = defaultdict(list)
    for shard in stock_table.rows_of(sku):
        if location_id in (None, shard.location_id):
            by_location[shard.location_id].append(shard)
    return [_level(shards) for _, shards in sorted(by_location.items())]


def availability(channel: str, skus: list[str], location_id: str | None = None, per_location: bool = False) -> Availability:
    """Many SKUs for one channel from the projection, in one batched read."""
    rows = availability_table.rows(skus)
    unknown = [sku for sku in skus if sku not in rows]
    if unknown:
        raise NotFound(f"unknown sku: {', '.join(unknown)}", field="sku", skus=unknown)
    items = []
    for sku in dict.fromkeys(skus):
        row = rows[sku]
        serving = row.get("serving", {}).get(channel, [])
        figures = None
        if location_id:
            figures = {location_id: max(0, row["locations"].get(location_id, 0)) if location_id in serving else 0}
        elif per_location:
            figures = {location: max(0, row["locations"].get(location, 0)) for location in serving}
        items.append(SkuAvailability(sku=sku, available=row.get("channels", {}).get(channel, 0), locations=figures))
    return Availability(channel=channel, items=items)
