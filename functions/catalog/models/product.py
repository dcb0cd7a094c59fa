"""Products, SKUs and channel prices: the API's bodies and the stored records."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from kernel.model import Model
from kernel.types import ChannelId, Currency, Identifier, Key, LongText, MinorUnits, Name, ShortText, SkuCode


class Price(Model):
    model_config = ConfigDict(extra="forbid")

    channel: ChannelId
    currency: Currency
    amount: MinorUnits


class SkuIn(Model):
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode
    name: ShortText = ""
    attributes: dict[Key, ShortText] = Field(default_factory=dict, max_length=30)
    prices: list[Price] = Field(default_factory=list, max_length=50)


class ProductIn(Model):
    model_config = ConfigDict(extra="forbid")

    product_id: Identifier
    name: Name
    description: LongText = ""
    # One create is one DynamoDB transaction (at most 100 items): the product and each SKU.
    skus: list[SkuIn] = Field(min_length=1, max_length=90)


class PriceIn(Model):
    model_config = ConfigDict(extra="forbid")

    currency: Currency
    amount: MinorUnits


class Sku(SkuIn):
    product_id: Identifier


class Product(ProductIn):
    skus: list[Sku]  # type: ignore[assignment]
