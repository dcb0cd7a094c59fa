"""Holds: reserved units, each its own row in the ledger."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field, StrictInt, model_validator

from kernel.model import Model
from kernel.types import Identifier, Quantity, SkuCode


class HoldState(StrEnum):
    soft = "soft"  # a cart hold with an expiry
    hard = "hard"  # an order hold: no expiry
    committed = "committed"  # picked or shipped: left on hand
    released = "released"
    expired = "expired"


ACTIVE = {HoldState.soft, HoldState.hard}


class HoldLineIn(Model):
    model_config = ConfigDict(extra="forbid")

    line: Identifier
    sku: SkuCode
    location_id: Identifier
    quantity: Quantity


class ReserveIn(Model):
    model_config = ConfigDict(extra="forbid")

    reference: Identifier = Field(description="cart or order id")
    # 30 lines at distinct locations (a hold, a stock row and a location guard each) fit one transaction.
    lines: list[HoldLineIn] = Field(min_length=1, max_length=30)
    hold: Literal[HoldState.soft, HoldState.hard] = Field(HoldState.soft, description="soft (cart, expires) or hard (order)")
    ttl_seconds: StrictInt = Field(900, ge=60, le=86_400, description="soft holds: seconds until they expire")

    @model_validator(mode="after")
    def _one_row_per_line_and_location(self):
        keys = [(line.line, line.location_id) for line in self.lines]
        if len(keys) != len(set(keys)):
            raise ValueError("each (line, location_id) may appear once")
        return self


class Hold(Model):
    hold_id: str = Field(description="this hold's identity: a line held again after a release is another hold")
    reference: str
    line: str
    sku: str
    location_id: str
    quantity: int
    shards: dict[str, StrictInt]  # shard -> units held there
    state: HoldState
    channel: str
    created_at: str
    updated_at: str
    expires_at: str | None = None


class HoldLineSelector(Model):
    model_config = ConfigDict(extra="forbid")

    lines: list[Identifier] | None = Field(None, min_length=1, max_length=100, description="only these lines; all when absent")


class Holds(Model):
    reference: str
    holds: list[Hold]
