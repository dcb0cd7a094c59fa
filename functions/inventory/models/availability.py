"""Available to promise, per channel and per location."""

from __future__ import annotations

from kernel.model import Model


class SkuAvailability(Model):
    sku: str
    available: int
    locations: dict[str, int] | None = None  # per serving location, when asked for


class Availability(Model):
    channel: str
    items: list[SkuAvailability]
