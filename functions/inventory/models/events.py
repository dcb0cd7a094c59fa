"""Events inventory publishes (through its outbox)."""

from __future__ import annotations

from enum import StrEnum

from kernel.envelope import DomainEvent


class StockChanged(DomainEvent):
    """One stock row changed. With hot SKUs a (SKU, location) has several rows: `shard` tells which."""

    TYPE = "StockChanged"

    sku: str
    location_id: str
    shard: int
    on_hand: int
    held: int
    unavailable: int
    safety: int
    available: int
    on_hand_delta: int
    held_delta: int
    seq: int


class Crossing(StrEnum):
    out_of_stock = "out_of_stock"
    back_in_stock = "back_in_stock"
    low_stock = "low_stock"


class AvailabilityChanged(DomainEvent):
    TYPE = "AvailabilityChanged"

    sku: str
    channel: str
    available: int
    previous: int
    crossings: list[Crossing]
    basis: int  # grows with every change behind the figure: consumers keep the highest


class HoldExpired(DomainEvent):
    TYPE = "HoldExpired"

    reference: str
    line: str
    sku: str
    location_id: str
    quantity: int
    channel: str
    expires_at: str


class OversellDetected(DomainEvent):
    TYPE = "OversellDetected"

    source_event_id: str
    sku: str
    location_id: str
    channel: str | None
    quantity: int
    shortfall: int


class LocationChanged(DomainEvent):
    TYPE = "LocationChanged"

    location_id: str
    open: bool
    channels: list[str]
    seq: int


class BufferChanged(DomainEvent):
    TYPE = "BufferChanged"

    sku: str
    channel: str
    quantity: int
    seq: int


class SkuRegistered(DomainEvent):
    TYPE = "SkuRegistered"

    sku: str
    product_id: str
