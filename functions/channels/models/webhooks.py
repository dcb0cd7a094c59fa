"""What channels send to `POST /v1/webhooks/<channel_id>`, and what they get back."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, TypeAdapter

from kernel.model import Model
from kernel.types import Identifier, Quantity, SkuCode

# Inventory applies a webhook once per "<channel>:<Omni-Webhook-Id>", its source event id: that key
# must be an Identifier, so the id is checked in that form (the channel's id leaves room for the rest).
SOURCE_EVENT_ID = TypeAdapter(Identifier)


class SaleLineIn(Model):
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


class ReceiptData(Model):
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode
    location_id: Identifier
    quantity: Quantity


class ReceiptWebhook(Model):
    """Units that arrived at a location (a warehouse receipt)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["receipt"]
    data: ReceiptData


Webhook = Annotated[SaleWebhook | ReceiptWebhook, Field(discriminator="type")]
WEBHOOK = TypeAdapter(Webhook)


class WebhookAccepted(Model):
    id: str = Field(description="the sender's Omni-Webhook-Id")
    status: Literal["accepted"] = "accepted"
