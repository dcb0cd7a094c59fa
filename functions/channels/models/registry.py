"""The channel registry as operators read and change it: channels, mappings, outbound subscriptions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt

from kernel.model import Model
from kernel.types import Identifier, SkuCode

# A name a channel gives a SKU or a location (Shopify's numeric ids, a marketplace's listing SKU...).
ChannelName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", max_length=64, description="the channel's own name: letters, digits, . _ : -")]
OutboundTopic = Literal["availability", "price"]  # AvailabilityChanged, PriceChanged


class SkuMappingIn(Model):
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode = Field(description="Omni's SKU")
    outbound: StrictBool = Field(True, description="outbound updates of this Omni SKU name it by this channel SKU (false: an alias used inbound only, e.g. a Shopify inventory item id)")


class SkuMapping(Model):
    channel_sku: str
    sku: str
    outbound: bool


class LocationMappingIn(Model):
    model_config = ConfigDict(extra="forbid")

    location_id: Identifier = Field(description="Omni's location")


class LocationMapping(Model):
    channel_location: str
    location_id: str


class Mappings(Model):
    channel: str
    skus: list[SkuMapping]
    locations: list[LocationMapping]


class SubscriptionIn(Model):
    model_config = ConfigDict(extra="forbid")

    events: list[OutboundTopic] = Field(min_length=1, max_length=2, description="availability (AvailabilityChanged), price (PriceChanged)")
    url: str = Field(pattern=r"^https?://[^\s]{1,2040}$", max_length=2048, description="where Omni posts the channel's signed updates")
    rate_per_second: StrictInt = Field(10, ge=1, le=1000, description="at most this many updates per second to this channel")
    coalesce_seconds: StrictInt = Field(1, ge=0, le=900, description="a change waits this long for later changes of the same SKU: a burst sends only its last figure")


class Subscription(Model):
    events: list[str]
    url: str
    rate_per_second: int
    coalesce_seconds: int


class ChannelView(Model):
    id: str
    kind: str = Field(description="storefront | store | marketplace: what the channel may do")
    type: str = Field(description="web | app | pos | marketplace | social")
    format: str = Field(description="how its server sends webhooks: omni | shopify | marketplace")
    subscription: Subscription | None = None
