"""Stock figures and the requests that change them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import ConfigDict, Field, StrictInt

from kernel.model import Model
from kernel.types import ChannelId, Count, Identifier, IsoDate, Quantity, ShortText, SkuCode


class StockShard(Model):
    """One stored stock row: a (SKU, location) has one, or N when the SKU is hot and sharded.
    `available` = on_hand - held - unavailable - safety, maintained by every write so that a
    DynamoDB condition can check it."""

    sku: str
    location_id: str
    shard: int = 0
    on_hand: int = 0
    held: int = 0
    unavailable: int = 0
    safety: int = 0
    available: int = 0
    seq: int = 0
    count_version: int | None = None
    incoming_quantity: int = 0
    incoming_date: date | None = None


class StockLevel(Model):
    """A (SKU, location) as operators see it, all shards summed."""

    sku: str
    location_id: str
    on_hand: int
    held: int
    unavailable: int
    safety_stock: int
    available_to_promise: int
    incoming_quantity: int
    incoming_date: date | None
    shards: int


class AdjustmentKind(StrEnum):
    receipt = "receipt"  # units arrived: on hand up
    damage = "damage"  # units found damaged or put in quality control: unavailable up
    restore = "restore"  # units back from quality control: unavailable down
    write_off = "write_off"  # damaged units thrown away: on hand and unavailable down
    count = "count"  # a cycle count: on hand set to the counted figure


# What adjustments.adjust checks, stated in the schema: a count carries its count_version; every
# other kind moves at least one unit.
_COUNT_RULE = {
    "if": {"properties": {"kind": {"const": "count"}}},
    "then": {"required": ["count_version"], "properties": {"count_version": {"type": "integer"}}},
    "else": {"properties": {"quantity": {"minimum": 1}}},
}


class AdjustmentIn(Model):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_COUNT_RULE)

    source_event_id: Identifier = Field(description="the sender's id of this change: a repeat is applied once")
    sku: SkuCode
    location_id: Identifier
    kind: AdjustmentKind
    quantity: Count = Field(description="units, at least 1; for a count, the counted figure (0 allowed)")
    count_version: StrictInt | None = Field(None, ge=1, le=10**15, description="required for counts, and only for them: a count older than the last one applied is refused (409 stale_count)")
    reason: ShortText = ""


class TransferIn(Model):
    model_config = ConfigDict(extra="forbid")

    source_event_id: Identifier
    sku: SkuCode
    from_location_id: Identifier
    to_location_id: Identifier
    quantity: Quantity


class SaleLineIn(Model):
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode
    location_id: Identifier
    quantity: Quantity


class SaleIn(Model):
    """A sale that already happened in a store or on a marketplace: it is recorded even when short."""

    model_config = ConfigDict(extra="forbid")

    source_event_id: Identifier
    lines: list[SaleLineIn] = Field(min_length=1, max_length=25)


class Adjustment(Model):
    """The ledger entry of an applied adjustment, transfer or sale (its idempotency record too)."""

    source_event_id: str
    kind: str
    sku: str
    location_id: str
    quantity: int
    shortfall: int = 0
    to_location_id: str | None = None
    channel: str | None = None
    applied_at: str


class SafetyStockIn(Model):
    model_config = ConfigDict(extra="forbid")

    quantity: Count


class IncomingIn(Model):
    model_config = ConfigDict(extra="forbid")

    quantity: Count
    expected_date: IsoDate | None = None


class BufferIn(Model):
    model_config = ConfigDict(extra="forbid")

    quantity: Count


class Buffer(Model):
    sku: str
    channel: ChannelId
    quantity: int


class ShardingIn(Model):
    model_config = ConfigDict(extra="forbid")

    shards: StrictInt = Field(ge=1, le=20)
