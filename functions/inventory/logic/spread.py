"""One rule for every change of what a (SKU, location) has available, spread over its stock shards.

A channel is promised Σ max(0, available) over a location's shards. That equals what the location
really has only while no shard is positive when another is negative, so every change of on hand,
held, unavailable or safety units (counts, receipts, damage, restores, write-offs, sales, transfers,
hold releases, safety stock) is planned here:

- what the change itself fixes on a shard stays there (a hold's units, the unavailable units a
  write-off takes);
- on hand then moves between the shards: while the location has units, every shard ends >= 0
  (decreases drain the fullest shards, increases fill the emptiest); when it is short, shard 0
  carries the whole deficit and every other shard ends at exactly 0.

So "shard 0 >= 0" means "every shard >= 0", and one check on shard 0 (or, when short, exact
figures on every shard) is what guards a plan against concurrent changes. Reservations keep shards
>= 0 by their own condition, and commits do not change availability.
"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.dal import stock as stock_table
from inventory.dal.stock import StockChange
from inventory.models.stock import StockShard


def level(figures: dict[int, int], total: int) -> dict[int, int]:
    """New per-shard figures that sum to `total`, moving as few units as it can (shard 0 must be a key)."""
    if total < 0:
        return {shard: total if shard == 0 else 0 for shard in figures}
    clipped = {shard: max(0, value) for shard, value in figures.items()}
    change = total - sum(clipped.values())
    return _drain(clipped, -change) if change < 0 else _fill(clipped, change)


def _drain(figures: dict[int, int], units: int) -> dict[int, int]:
    """Take `units` from the fullest shards: lower them to a common level."""
    target = sum(figures.values()) - units
    low, high = 0, max(figures.values(), default=0)
    while low < high:  # the smallest level whose capped sum still reaches the target
        middle = (low + high) // 2
        if sum(min(value, middle) for value in figures.values()) >= target:
            high = middle
        else:
            low = middle + 1
    result = {shard: min(value, low) for shard, value in figures.items()}
    excess = sum(result.values()) - target
    for shard in sorted(result, key=lambda s: (-figures[s], s)):
        if excess and figures[shard] >= low > 0:
            result[shard] -= 1
            excess -= 1
    return result


def _fill(figures: dict[int, int], units: int) -> dict[int, int]:
    """Give `units` to the emptiest shards: raise them to a common level."""
    target = sum(figures.values()) + units
    low = min(figures.values())
    high = low + units
    while low < high:  # the smallest level whose raised sum reaches the target
        middle = (low + high) // 2
        if sum(max(value, middle) for value in figures.values()) >= target:
            high = middle
        else:
            low = middle + 1
    result = {shard: max(value, low) for shard, value in figures.items()}
    excess = sum(result.values()) - target
    for shard in sorted(result, key=lambda s: (figures[s], s)):
        if excess and figures[shard] < low:
            result[shard] -= 1
            excess -= 1
    return result


@dataclass(frozen=True)
class Fixed:
    """What a change itself decides on one shard (units of a hold, unavailable units it takes, its
    share of safety stock)."""

    on_hand: int = 0
    held: int = 0
    unavailable: int = 0
    safety: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.held - self.unavailable - self.safety


def plan(
    sku: str,
    location_id: str,
    read: list[StockShard],
    fixed: dict[int, Fixed] | None = None,
    on_hand: int = 0,
    *,
    count_version: int | None = None,
    exact_on_hand: bool = False,
) -> list[dict]:
    """The transaction operations of one change at one (SKU, location): `fixed` per shard, plus
    `on_hand` units in or out wherever the rule puts them. `read` is every shard row as just read;
    the operations fail (for the caller to read again) if the figures they rely on moved.
    A count passes its version (recorded on shard 0) and `exact_on_hand`: the on hand it counted
    against must be what every shard still has."""
    fixed = fixed or {}
    rows = {row.shard: row for row in read}
    shards = sorted(set(rows) | set(fixed) | {0})
    before = {shard: rows[shard].available if shard in rows else 0 for shard in shards}
    natural = {shard: before[shard] + fixed.get(shard, Fixed()).available for shard in shards}
    after = level(natural, sum(natural.values()) + on_hand)
    short = after[0] < 0
    operations = []
    for shard in shards:
        own = fixed.get(shard, Fixed())
        moved = after[shard] - natural[shard]
        row = rows.get(shard)
        counted_here = count_version is not None and shard == 0
        if not (moved or own.on_hand or own.held or own.unavailable or own.safety or counted_here):
            if row is not None and (short or exact_on_hand or shard == 0):
                operations.append(stock_table.guard(row, exact_available=short, exact_on_hand=exact_on_hand, non_negative=not short))
            continue
        change = StockChange(
            sku,
            location_id,
            shard,
            on_hand=own.on_hand + moved,
            held=own.held,
            unavailable=own.unavailable,
            safety=(row.safety if row else 0, (row.safety if row else 0) + own.safety) if own.safety else None,
            min_unavailable=-own.unavailable if own.unavailable < 0 else None,
            count_version=count_version if counted_here else None,
            expect_seq=0 if row is None else None,
            exact_available=row.available if row is not None and short else None,
            min_available=-(after[shard] - before[shard]) if row is not None and not short else None,
            exact_on_hand=row.on_hand if row is not None and exact_on_hand else None,
        )
        operations.append(change.operation())
    return operations
