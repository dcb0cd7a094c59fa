"""Capacity counters: the orders a location took on a day (`CAPACITY#<location>` / <date>), guarded by its
daily capacity. Checkout takes one per shipment location; re-sourcing one per location an order newly ships
from (decision 39)."""

from __future__ import annotations

from collections.abc import Iterable

from kernel import table
from orders.dal import keys

CAPACITY_TTL_SECONDS = 7 * 86_400


def keys_of(location_ids: Iterable[str], day: str) -> list[dict]:
    return [keys.capacity(location_id, day) for location_id in location_ids]


def used(items: Iterable[dict]) -> dict[str, int]:
    """Orders taken per location, from the counters among items read (absent: none yet)."""
    return {item["pk"].removeprefix("CAPACITY#"): int(item.get("count", 0)) for item in items if item["pk"].startswith("CAPACITY#")}


def take(location_id: str, day: str, daily_capacity: int, epoch: int) -> dict:
    """One more order for the location that day, within its daily capacity (0: not limited)."""
    values = {":one": 1, ":ttl": epoch + CAPACITY_TTL_SECONDS, ":type": "capacity"}
    condition = None
    if daily_capacity:
        values[":capacity"] = daily_capacity
        condition = "attribute_not_exists(#count) OR #count < :capacity"
    return table.update(keys.capacity(location_id, day), "ADD #count :one SET #ttl = :ttl, #type = :type", condition, values, {"#count": "count", "#ttl": "ttl", "#type": "type"})
