"""Available to promise, per channel and per location."""

from __future__ import annotations

from pydantic import BaseModel


class SkuAvailability(BaseModel):
    sku: str
    available: int
    locations: dict[str, int] | None = None  # per serving location, when asked for


class Availability(BaseModel):
    channel: str
    items: list[SkuAvailability]
