"""What channels send to `POST /v1/webhooks/<channel_id>`, and what they get back."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictInt, TypeAdapter, model_validator

from kernel.model import Model
from kernel.types import Count, Identifier, Quantity, SkuCode

# Inventory applies a webhook once per "<channel>:<Omni-Webhook-Id>", its source event id: that key
# must be an Identifier, so the id is checked in that form (the channel's id leaves room for the rest).
SOURCE_EVENT_ID = TypeAdapter(Identifier)


class SaleLineIn(Model):  # units of a SKU at a location: a sale's line, a receipt, the base of a returned line
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode
    location_id: Identifier
    quantity: Quantity


class SaleData(Model):
    model_config = ConfigDict(extra="forbid")

    lines: list[SaleLineIn] = Field(min_length=1, max_length=25)  # inventory records at most 25 lines per sale


class SaleWebhook(Model):
    """A sale that already happened at a POS or on a marketplace: inventory records it even when short."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["sale"]
    data: SaleData


class ReceiptData(SaleLineIn):
    pass


class ReceiptWebhook(Model):
    """Units that arrived at a location (a warehouse receipt)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["receipt"]
    data: ReceiptData


class CountData(Model):
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode
    location_id: Identifier
    quantity: Count = Field(description="the counted figure: on hand becomes this")
    count_version: StrictInt = Field(ge=1, le=10**15, description="grows with every count of this SKU and location (e.g. epoch milliseconds): an older count is ignored")


class CountWebhook(Model):
    """A cycle count at a location (a warehouse system's stock figure): absolute, versioned."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["count"]
    data: CountData


class ReturnedLineIn(SaleLineIn):
    damaged: Count = Field(0, description="units of `quantity` not fit to sell again: not put back into stock")

    @model_validator(mode="after")
    def _damaged_within_quantity(self):
        if self.damaged > self.quantity:
            raise ValueError("damaged cannot exceed quantity")
        return self


class ReturnData(Model):
    model_config = ConfigDict(extra="forbid")

    lines: list[ReturnedLineIn] = Field(min_length=1, max_length=25)


class ReturnWebhook(Model):
    """Units a shopper brought back at a POS: the sellable ones go back into the location's stock."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["return"]
    data: ReturnData


Webhook = Annotated[SaleWebhook | ReceiptWebhook | CountWebhook | ReturnWebhook, Field(discriminator="type")]
WEBHOOK = TypeAdapter(Webhook)


class WebhookAccepted(Model):
    id: str = Field(description="the sender's delivery id (Omni-Webhook-Id, X-Shopify-Webhook-Id, Marketplace-Delivery-Id)")
    status: Literal["accepted", "duplicate"] = Field("accepted", description="duplicate: this id was accepted before; nothing was done now")
