"""Shopify's webhook bodies, as far as Omni reads them (Shopify sends many more fields, which are kept in
the raw body and ignored here). Bounded like every request Omni documents."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StrictInt

from kernel.model import Model

Text = Annotated[str, Field(max_length=255)]
Amount = Annotated[str, Field(max_length=32, description="a decimal amount in the shop's currency, e.g. '199.00'")]
ShopifyId = Annotated[StrictInt, Field(ge=0, le=2**63)]


class _Body(Model):
    # The sender's other fields are kept in the raw body and ignored here (any value, a bounded number of them).
    model_config = ConfigDict(extra="ignore", defer_build=True, json_schema_extra={"additionalProperties": {}, "maxProperties": 500})


class ShopifyCustomer(_Body):
    id: ShopifyId | None = None
    email: Text | None = None
    phone: Text | None = None
    first_name: Text | None = None
    last_name: Text | None = None


class ShopifyLineItem(_Body):
    id: ShopifyId | None = None
    sku: Text | None = None
    variant_id: ShopifyId | None = None
    quantity: StrictInt = Field(ge=0, le=1_000_000)
    price: Amount


class ShopifyMoney(_Body):
    amount: Amount


class ShopifyMoneySet(_Body):
    shop_money: ShopifyMoney


class ShopifyShippingLine(_Body):
    price: Amount


class ShopifyOrder(_Body):
    """orders/create and orders/cancelled."""

    id: ShopifyId
    created_at: Text
    cancelled_at: Text | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", max_length=3)]
    email: Text | None = None
    contact_email: Text | None = None
    phone: Text | None = None
    subtotal_price: Amount
    total_tax: Amount = "0"
    total_price: Amount
    total_shipping_price_set: ShopifyMoneySet | None = None
    shipping_lines: list[ShopifyShippingLine] = Field([], max_length=50)
    fulfillment_status: Text | None = None
    location_id: ShopifyId | None = None
    customer: ShopifyCustomer | None = None
    line_items: list[ShopifyLineItem] = Field(min_length=1, max_length=250)


class ShopifyRefundLine(_Body):
    quantity: StrictInt = Field(ge=0, le=1_000_000)
    restock_type: Text | None = None
    location_id: ShopifyId | None = None
    line_item: ShopifyLineItem


class ShopifyRefund(_Body):
    """refunds/create."""

    id: ShopifyId
    order_id: ShopifyId
    refund_line_items: list[ShopifyRefundLine] = Field([], max_length=250)


class ShopifyInventoryLevel(_Body):
    """inventory_levels/update."""

    inventory_item_id: ShopifyId
    location_id: ShopifyId
    available: StrictInt | None = Field(ge=-(10**9), le=10**9)
    updated_at: Text


ShopifyWebhookBody = ShopifyOrder | ShopifyRefund | ShopifyInventoryLevel
