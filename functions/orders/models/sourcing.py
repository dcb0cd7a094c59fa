"""Where an order's lines come from, and why: stored on the order and shown by the API."""

from __future__ import annotations

from pydantic import Field

from kernel.model import Model


class Allocation(Model):
    line: str
    sku: str
    location_id: str
    quantity: int


class Verdict(Model):
    """One location the pipeline looked at."""

    location_id: str
    chosen: bool
    reason: str = Field(description='e.g. "chosen pickup store, 2 of 2 units" or "skipped, 412 km"')


class Sourcing(Model):
    allocations: list[Allocation]
    verdicts: list[Verdict]
    explanation: list[str] = Field(description="one human-readable sentence per location")
