"""Available to promise: the formulas, pure.

per location = on hand - held - unavailable - safety stock     (summed over the location's shards)
per channel  = sum over the channel's open locations of max(0, per location) - the channel's buffer
"""

from __future__ import annotations

from collections.abc import Iterable

from inventory.models.events import Crossing
from inventory.models.stock import StockShard

LOW_STOCK_THRESHOLD = 5


def location_available(shards: Iterable[StockShard]) -> int:
    return sum(shard.available for shard in shards)


def channel_available(location_figures: dict[str, int], serving: Iterable[str], buffer: int) -> int:
    return max(0, sum(max(0, location_figures.get(location, 0)) for location in serving) - buffer)


def crossings(previous: int, current: int, low: int = LOW_STOCK_THRESHOLD) -> list[Crossing]:
    found = []
    if previous > 0 and current <= 0:
        found.append(Crossing.out_of_stock)
    if previous <= 0 and current > 0:
        found.append(Crossing.back_in_stock)
    if 0 < current <= low and not 0 < previous <= low:  # entered the low band, from above or from zero
        found.append(Crossing.low_stock)
    return found


def split_evenly(total: int, parts: int) -> list[int]:
    base, rest = divmod(total, parts)
    return [base + (1 if index < rest else 0) for index in range(parts)]


def allocate(quantity: int, available_by_shard: dict[int, int], prefer: int | None = None) -> dict[int, int] | None:
    """Take `quantity` from shards with stock: the preferred shard first, then the fullest. None when short."""
    order = sorted(available_by_shard, key=lambda shard: (shard != prefer, -available_by_shard[shard]))
    taken: dict[int, int] = {}
    remaining = quantity
    for shard in order:
        if remaining == 0:
            break
        take = min(remaining, max(0, available_by_shard[shard]))
        if take:
            taken[shard] = take
            remaining -= take
    return taken if remaining == 0 else None
