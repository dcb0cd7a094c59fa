"""A return as the receiving staff (or an operator) enter it: lines and units only, never an amount."""

from __future__ import annotations

from pydantic import ConfigDict, Field, model_validator

from kernel.model import Model
from kernel.types import Count, Identifier, Quantity


class ReturnLineIn(Model):
    model_config = ConfigDict(extra="forbid")

    line: Identifier = Field(description="the order's line")
    received: Quantity = Field(description="units handed back")
    damaged: Count = Field(0, description="of those, units that cannot be sold again (they do not go back to stock)")

    @model_validator(mode="after")
    def _damaged_among_received(self):
        if self.damaged > self.received:
            raise ValueError("damaged cannot exceed received")
        return self


class ReturnIn(Model):
    model_config = ConfigDict(extra="forbid")

    return_key: Identifier = Field(description="the caller's id of this return: a retry with it is the same return")
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=25)
    request_id: Identifier | None = Field(None, description="the return the shopper started online, when they bring or send one")

    @model_validator(mode="after")
    def _each_line_once(self):
        if len({line.line for line in self.lines}) != len(self.lines):
            raise ValueError("each line may appear once")
        return self


class StartedLineIn(Model):
    model_config = ConfigDict(extra="forbid")

    line: Identifier = Field(description="the order's line")
    quantity: Quantity = Field(description="units to return")


class ShopperReturnIn(Model):
    """A shopper starting a return of their own order online: lines and units, never an amount."""

    model_config = ConfigDict(extra="forbid")

    return_key: Identifier = Field(description="the storefront's id of this request: a retry with it is the same request")
    lines: list[StartedLineIn] = Field(min_length=1, max_length=25)

    @model_validator(mode="after")
    def _each_line_once(self):
        if len({line.line for line in self.lines}) != len(self.lines):
            raise ValueError("each line may appear once")
        return self


class OperatorReturnIn(ReturnIn):
    location_id: Identifier = Field(description="the receiving location")
