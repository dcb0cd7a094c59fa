"""Omni's marketplace order format (events/formats/marketplace.md): the body a marketplace's server sends."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt

from kernel.model import Model
from kernel.types import Currency, MinorUnits

Text = Annotated[str, Field(max_length=255)]


class _Body(Model):
    # The sender's other fields are kept in the raw body and ignored here (any value, a bounded number of them).
    model_config = ConfigDict(extra="ignore", defer_build=True, json_schema_extra={"additionalProperties": {}, "maxProperties": 500})


class MarketplaceBuyer(_Body):
    id: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    name: Text | None = None


class MarketplaceItem(_Body):
    listing_sku: Annotated[str, Field(min_length=1, max_length=64, description="the seller's SKU on the marketplace (mapped to Omni's)")]
    quantity: StrictInt = Field(gt=0, le=1_000_000)
    unit_price: MinorUnits


class MarketplaceOrder(_Body):
    id: Annotated[str, Field(min_length=1, max_length=64, description="the marketplace's order id")]
    currency: Currency
    placed_at: Text
    buyer: MarketplaceBuyer = MarketplaceBuyer()
    ship_from: Text | None = Field(None, description="the marketplace's code of the location that ships it (mapped); none: the channel's default")
    items: list[MarketplaceItem] = Field(min_length=1, max_length=100)
    shipping: MinorUnits = 0
    tax: MinorUnits = 0
    total: MinorUnits = Field(description="items + shipping + tax")
    fulfilled_by_marketplace: StrictBool = Field(False, description="true: the marketplace handed it over already")


class MarketplaceDelivery(_Body):
    event: Literal["order.created", "order.cancelled"]
    occurred_at: Text
    order: MarketplaceOrder
