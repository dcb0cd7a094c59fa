"""Inventory's public interface for orders: the only inventory module another domain may import.

Checkout places an order and hard-holds its stock in one TransactWriteItems (decision 32). Inventory keeps
its keys, conditions and rules; orders only composes what this module builds:

1. `keys(skus, location_ids)`: the inventory items checkout adds to its one batched read (on `TABLE`):
   each SKU's config, the stock rows of every shard inventory knows of, the locations;
2. `Stock.read(items)`: what those items say, without reading again: unknown SKUs, the units a
   reservation can take per (SKU, location), the locations (open, channels, capabilities, coordinates);
3. `reserve(...)`: the hold operations of the chosen plan (hold rows in the channel's scope, stock rows
   guarded by `available >= units`, location guards), built by inventory's own reservation code
   (inventory.logic.holds.placement), and `Reservation.refusal(reasons)`, which turns a `Rejected` of
   those operations back into inventory's errors (InsufficientStock naming the lines, location_not_serving…).

Fulfilment (confirm at checkout of a cart with soft holds; commit when picked, shipped or collected;
release on cancellation; restock when an order is cancelled after its pick, before its goods left):
`hold_keys`/`held` or `holds_of` read the holds, then `confirm`, `commit`, `release` build the same guarded
moves inventory's own routes and sweeper run (`holds.moves`), and `restock` puts committed units back.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from inventory.dal import holds as holds_table
from inventory.dal import keys as inventory_keys
from inventory.dal import locations as location_rows
from inventory.logic import holds
from inventory.logic.shards import known, learn
from inventory.models.holds import Hold, HoldLineIn, HoldState
from inventory.models.location import Capability, Location
from kernel import clock, table
from kernel.errors import Conflict, NotFound

__all__ = [
    "TABLE", "Capability", "Hold", "HoldLineIn", "HoldState", "HoldsMoved", "Location", "Reservation", "Stock",
    "commit", "confirm", "forget_locations", "hold_keys", "held", "holds_of", "keys", "location_ids", "release", "reserve",
    "restock",
]  # fmt: skip

TABLE = inventory_keys.TABLE
HoldsMoved = holds.HoldsMoved
Row = tuple[str, str]  # (sku, location)


_LOCATIONS_TTL_SECONDS = 60.0
_location_ids: tuple[list[str], float] = ([], 0.0)


def location_ids() -> list[str]:
    """Every location's id, cached a minute per container: the candidates checkout reads with `keys`
    (their rows themselves are read fresh in the batch; a new location becomes a candidate within a minute)."""
    global _location_ids
    ids, valid_until = _location_ids
    if valid_until < time.monotonic():
        ids = [location.location_id for location in location_rows.all_locations()]
        _location_ids = (ids, time.monotonic() + _LOCATIONS_TTL_SECONDS)
    return ids


def forget_locations() -> None:
    global _location_ids
    _location_ids = ([], 0.0)


def keys(skus: Iterable[str], location_ids: Iterable[str]) -> list[dict]:
    """What to read for `skus` at `location_ids`: configs (unknown SKUs, shard counts), the stock row of
    each shard the container knows of (one, until a config says more), the locations."""
    skus, location_ids = list(dict.fromkeys(skus)), list(dict.fromkeys(location_ids))
    wanted = [inventory_keys.sku_config(sku) for sku in skus]
    wanted += [inventory_keys.stock(sku, location_id, shard) for sku in skus for location_id in location_ids for shard in range(known(sku))]
    return wanted + [inventory_keys.location(location_id) for location_id in location_ids]


@dataclass(frozen=True)
class Stock:
    """Inventory's items as checkout read them. A shard that was not read (a SKU split since this container
    last looked) counts as empty: checkout may under-promise once, never oversell (the rows' conditions
    decide), and the config read beside them teaches the container the new count."""

    shard_counts: dict[str, int] = field(default_factory=dict)  # known SKUs only
    shards: dict[Row, dict[int, int]] = field(default_factory=dict)  # available per shard read
    locations: dict[str, Location] = field(default_factory=dict)

    @classmethod
    def read(cls, items: Iterable[dict]) -> Stock:
        counts: dict[str, int] = {}
        shards: dict[Row, dict[int, int]] = {}
        places: dict[str, Location] = {}
        for item in items:
            kind = item.get("type")
            if kind == "sku":
                counts[item["sku"]] = int(item.get("shards", 1))
                learn(item["sku"], counts[item["sku"]])
            elif kind == "stock":
                shards.setdefault((item["sku"], item["location_id"]), {})[int(item["shard"])] = int(item["available"])
            elif kind == "location":
                places[item["location_id"]] = location_rows.location_from(item)
        return cls(counts, shards, places)

    def unknown(self, skus: Iterable[str]) -> list[str]:
        return sorted({sku for sku in skus if sku not in self.shard_counts})

    def available(self, sku: str, location_id: str) -> int:
        """Units one reservation can take at the location now (the shards read, each down to 0)."""
        return sum(max(0, units) for units in self.shards.get((sku, location_id), {}).values())

    def location(self, location_id: str) -> Location | None:
        return self.locations.get(location_id)

    def serves(self, location_id: str, channel_id: str) -> bool:
        """Open and serving the channel: what the reservation's location guard requires."""
        location = self.locations.get(location_id)
        return location is not None and location.open and channel_id in location.channels


@dataclass(frozen=True)
class Reservation:
    """The operations that hold an order's (or a cart's) lines, and what their refusal means."""

    placement: holds.Placement

    @property
    def holds(self) -> list[Hold]:
        return self.placement.holds

    @property
    def operations(self) -> list[dict]:
        return self.placement.operations if self.placement.holds else []

    def refusal(self, reasons: list[table.Reason]) -> Exception | None:
        """The refusal of these operations (`reasons` of them alone, in their order) as inventory's error."""
        refused = self.placement.refused(reasons)
        if refused.not_serving:
            return holds.not_serving(*refused.not_serving[0], self.placement.holds[0].channel)
        if refused.short:
            rows = {(change.sku, change.location_id) for change, _ in refused.short}
            found = {(change.sku, change.location_id): int((item or {}).get("available", 0)) for change, item in refused.short}
            lines = [HoldLineIn(line=hold.line, sku=hold.sku, location_id=hold.location_id, quantity=hold.quantity) for hold in self.holds if (hold.sku, hold.location_id) in rows]
            return holds.insufficient(lines, found)
        if refused.existing:
            hold, _ = refused.existing[0]
            return Conflict(f"line {hold.line} at {hold.location_id} of {hold.reference} is held already", field="lines")
        return None


def reserve(channel_id: str, reference: str, lines: list[HoldLineIn], stock: Stock, *, kind: HoldState = HoldState.hard, soft_seconds: int = 900, moment: datetime | None = None) -> Reservation:
    """Hold `lines` (each at the location sourcing chose) from the stock as read. Refused before any
    write, as inventory's own reservation would be: unknown SKUs (NotFound), a location unknown, closed
    or not serving the channel, or too few units read (InsufficientStock naming the lines)."""
    moment = moment or clock.now()
    unknown = stock.unknown(line.sku for line in lines)
    if unknown:
        raise NotFound(f"unknown sku: {', '.join(unknown)}", field="sku", skus=unknown)
    for location_id in dict.fromkeys(line.location_id for line in lines):
        if not stock.serves(location_id, channel_id):
            place = stock.location(location_id)
            raise holds.not_serving(location_id, place and {"open": place.open}, channel_id)
    taken = holds.take_from_shards(lines, stock.shard_counts, stock.shards)
    short = [line for line in lines if taken[holds.line_key(line)] is None]
    if short:
        raise holds.insufficient(short, {row: sum(figures.values()) for row, figures in stock.shards.items()})
    expires_at = clock.iso(clock.later(soft_seconds, moment)) if kind is HoldState.soft else None
    return Reservation(holds.placement(channel_id, reference, lines, taken, kind, moment, expires_at))


# Fulfilment: the holds of an order (or cart), then their moves.


def hold_keys(channel_id: str, reference: str, lines: Iterable[tuple[str, str]]) -> list[dict]:
    """The keys of a reference's holds, by (line, location): for a caller that reads them in its batch."""
    return [inventory_keys.hold(channel_id, reference, line, location_id) for line, location_id in lines]


def held(items: Iterable[dict]) -> list[Hold]:
    """The hold rows among items read from `TABLE`."""
    return [holds_table.hold_from(item) for item in items if item.get("type") == "hold"]


def holds_of(channel_id: str, reference: str) -> list[Hold]:
    """Every hold of a reference in the channel's scope (one query)."""
    return holds_table.of_reference(channel_id, reference)


def _moves(chosen: list[Hold], action: str, moment: datetime | None) -> holds.Moves:
    moment = moment or clock.now()
    now = clock.iso(moment)
    moving = holds.movable(chosen, action, now)
    target, _ = holds.MOVES[action]
    moved = holds.moves(moving, target, moment, **({"unexpired_at": now} if action == "confirm" else {}))
    if len(moved.operations) > table.MAX_TRANSACTION_ITEMS:
        raise holds.too_large()
    return moved


def confirm(chosen: list[Hold], moment: datetime | None = None) -> holds.Moves:
    """Soft cart holds become the order's hard holds: the hold rows only (no stock row changes), each
    guarded by its identity, state and deadline."""
    return _moves(chosen, "confirm", moment)


def commit(chosen: list[Hold], moment: datetime | None = None) -> holds.Moves:
    """Picked, shipped or collected: the units leave on hand (guarded by on hand, `units_missing`)."""
    return _moves(chosen, "commit", moment)


def release(chosen: list[Hold], moment: datetime | None = None) -> holds.Moves:
    """Cancelled: the units are free again (spread by the shard rule when off shard 0)."""
    return _moves(chosen, "release", moment)


def restock(chosen: list[Hold], moment: datetime | None = None) -> holds.Moves:
    """Cancelled after the pick, before the goods left: the committed units go back on hand at the
    location they were picked from, each hold row guarded as read (committed), so a repeat moves nothing."""
    moving = [hold for hold in chosen if hold.state is not HoldState.released]
    for hold in moving:
        if hold.state is not HoldState.committed:
            raise Conflict(f"hold {hold.line} at {hold.location_id} is {hold.state.value}, not committed", field="reference")
    moved = holds.restocking(moving, moment or clock.now())
    if len(moved.operations) > table.MAX_TRANSACTION_ITEMS:
        raise holds.too_large()
    return moved
