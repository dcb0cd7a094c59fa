"""What staff send with a fulfilment step: never a status, price or channel (those are Omni's)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from kernel.model import Model
from kernel.types import Identifier, Key, ShortText


class PickupCodeIn(Model):
    model_config = ConfigDict(extra="forbid")

    code: Key = Field(description="the code the shopper shows at the counter")


class RejectionIn(Model):
    model_config = ConfigDict(extra="forbid")

    lines: list[Identifier] = Field(min_length=1, max_length=25, description="the fulfilment's lines this location cannot fulfil")
    reason: ShortText = Field("", description="why, for the timeline (e.g. damaged, not found on the shelf)")
