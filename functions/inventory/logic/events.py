"""Which inventory events an item change means (the outbox mapper: pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterator

from inventory.logic.atp import crossings
from inventory.models.events import (
    AvailabilityChanged,
    BufferChanged,
    HoldExpired,
    LocationChanged,
    OversellDetected,
    SkuRegistered,
    StockChanged,
)
from kernel.envelope import DomainEvent
from kernel.outbox import Change

_FIGURES = ("on_hand", "held", "unavailable", "safety", "available")


def events_from_change(change: Change) -> Iterator[DomainEvent]:
    new, old = change.new, change.old or {}
    if new is None:
        return  # deletions are TTL clean-ups of finished rows: nothing happened to the business
    mapper = _MAPPERS.get(new.get("type"))
    if mapper:
        yield from mapper(new, old)


def _stock(new: dict, old: dict) -> Iterator[DomainEvent]:
    if any(new.get(name, 0) != old.get(name, 0) for name in _FIGURES):
        yield StockChanged(
            sku=new["sku"],
            location_id=new["location_id"],
            shard=new.get("shard", 0),
            **{name: new.get(name, 0) for name in _FIGURES},
            on_hand_delta=new.get("on_hand", 0) - old.get("on_hand", 0),
            held_delta=new.get("held", 0) - old.get("held", 0),
            seq=new["seq"],
        )


def _availability(new: dict, old: dict) -> Iterator[DomainEvent]:
    before, after = old.get("channels", {}), new.get("channels", {})
    for channel in sorted(set(before) | set(after)):
        previous, current = before.get(channel, 0), after.get(channel, 0)
        if previous != current or not old:
            yield AvailabilityChanged(sku=new["sku"], channel=channel, available=current, previous=previous, crossings=crossings(previous, current), basis=new["basis"])


def _hold(new: dict, old: dict) -> Iterator[DomainEvent]:
    if old.get("state") == "soft" and new.get("state") == "expired":
        yield HoldExpired(**{name: new[name] for name in ("reference", "line", "sku", "location_id", "quantity", "channel", "expires_at")})


def _adjustment(new: dict, old: dict) -> Iterator[DomainEvent]:
    if not old and new.get("shortfall", 0) > 0:
        yield OversellDetected(
            source_event_id=new["source_event_id"],
            sku=new["sku"],
            location_id=new["location_id"],
            channel=new.get("channel"),
            quantity=new["quantity"],
            shortfall=new["shortfall"],
        )


def _location(new: dict, old: dict) -> Iterator[DomainEvent]:
    yield LocationChanged(location_id=new["location_id"], open=new.get("open", True), channels=new.get("channels", []), seq=new["seq"])


def _buffer(new: dict, old: dict) -> Iterator[DomainEvent]:
    yield BufferChanged(sku=new["sku"], channel=new["channel"], quantity=new["quantity"], seq=new["seq"])


def _sku(new: dict, old: dict) -> Iterator[DomainEvent]:
    if not old:
        yield SkuRegistered(sku=new["sku"], product_id=new["product_id"])


_MAPPERS = {
    "stock": _stock,
    "availability": _availability,
    "hold": _hold,
    "adjustment": _adjustment,
    "location": _location,
    "buffer": _buffer,
    "sku": _sku,
}
