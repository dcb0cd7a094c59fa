"""What staff send with a fulfilment step: never a status, price or channel (those are Omni's)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from kernel.model import Model
from kernel.types import Key


class PickupCodeIn(Model):
    model_config = ConfigDict(extra="forbid")

    code: Key = Field(description="the code the shopper shows at the counter")
