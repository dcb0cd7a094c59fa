"""Shopify's webhooks, as Shopify sends them: orders/create, orders/cancelled, refunds/create and
inventory_levels/update.

Shopify signs the raw body alone: X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of it with the app's
secret. The delivery id (X-Shopify-Webhook-Id) and the time the event was triggered
(X-Shopify-Triggered-At, which a retry keeps) are not signed, so the id is only the deduplication key
and the age bounds how long a captured body can be sent again: well inside the inbox's 30 days, and
beyond Shopify's own retries (up to 8 over about 4 hours). Names are Shopify's: line items by their
`sku` (else the variant id), inventory levels by `inventory_item_id`, locations by Shopify location id
(an order without one uses the channel's `default` location mapping).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import BaseModel, ValidationError

from channels.logic.formats import Delivery, Entry, Malformed, Mappings, json_body, line_event_id, parse_time
from channels.logic.money import BadAmount, minor_units
from channels.models.events import ChannelOrderCancelled, ChannelOrderReceived, OrderCustomer, OrderLine, StockCountPosted, StockReceiptPosted
from channels.models.shopify import ShopifyCustomer, ShopifyInventoryLevel, ShopifyLineItem, ShopifyOrder, ShopifyRefund
from kernel import clock
from kernel.envelope import DomainEvent
from kernel.errors import Unauthorized

HMAC_HEADER = "X-Shopify-Hmac-Sha256"
ID_HEADER = "X-Shopify-Webhook-Id"
TOPIC_HEADER = "X-Shopify-Topic"
TRIGGERED_HEADER = "X-Shopify-Triggered-At"
MAX_AGE_SECONDS = 6 * 3600  # Shopify retries for about 4 hours with the same X-Shopify-Triggered-At
MAX_AHEAD_SECONDS = 300  # a clock a little ahead of ours
TOPICS = ("orders/create", "orders/cancelled", "refunds/create", "inventory_levels/update")
RESTOCKED_TYPES = ("return", "legacy_restock")  # refund line restock types that put units back on the shelf
STRICT_MAPPINGS = True


def signature(secret: str, body: bytes) -> str:
    """X-Shopify-Hmac-Sha256 of a body (tests, samples and the CLI sign with it)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signed_headers(secret: str, webhook_id: str, topic: str, body: bytes, triggered_at: datetime | None = None) -> dict[str, str]:
    moment = triggered_at or clock.now()
    return {
        HMAC_HEADER: signature(secret, body),
        ID_HEADER: webhook_id,
        TOPIC_HEADER: topic,
        TRIGGERED_HEADER: moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z"),  # nanoseconds, as Shopify writes them
        "X-Shopify-Shop-Domain": "omni-demo.myshopify.com",
        "X-Shopify-API-Version": "2025-07",
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: int) -> Delivery:
    named = {name.lower(): value for name, value in headers.items()}
    offered = named.get(HMAC_HEADER.lower(), "").strip()
    webhook_id, topic, triggered = (named.get(name.lower(), "").strip() for name in (ID_HEADER, TOPIC_HEADER, TRIGGERED_HEADER))
    if not offered or not webhook_id or not topic or not triggered:
        raise Unauthorized(f"a Shopify webhook needs {HMAC_HEADER}, {ID_HEADER}, {TOPIC_HEADER} and {TRIGGERED_HEADER}", code="invalid_signature")
    if not hmac.compare_digest(signature(secret, body).encode(), offered.encode()):
        raise Unauthorized("the HMAC does not match the channel's Shopify secret", code="invalid_signature")
    try:
        age = now - parse_time(triggered[:64]).timestamp()
    except ValueError:
        raise Unauthorized(f"{TRIGGERED_HEADER} is not an ISO 8601 time", code="stale_timestamp") from None
    if age > MAX_AGE_SECONDS or age < -MAX_AHEAD_SECONDS:
        raise Unauthorized(f"the webhook was triggered {int(abs(age))} s {'ago' if age > 0 else 'ahead'} (accepted: {MAX_AGE_SECONDS} s old)", code="stale_timestamp")
    return Delivery(webhook_id=webhook_id, topic=topic[:64], sent_at=triggered[:64])


def _parsed(model: type[BaseModel], body: dict):
    try:
        return model.model_validate(body)
    except ValidationError as error:
        fields = sorted({".".join(str(part) for part in item["loc"]) for item in error.errors()})
        raise Malformed(f"not a Shopify {model.__name__.removeprefix('Shopify').lower()}: {', '.join(fields)}") from None


def _utc(text: str) -> str:
    try:
        return clock.iso(parse_time(text))
    except ValueError:
        raise Malformed(f"{text!r} is not an ISO 8601 time") from None


def _line_sku(item: ShopifyLineItem) -> str | None:
    return item.sku or (str(item.variant_id) if item.variant_id is not None else None)


def _order(entry: Entry, order: ShopifyOrder, mappings: Mappings) -> ChannelOrderReceived:
    currency = order.currency.upper()
    location = mappings.location(str(order.location_id) if order.location_id is not None else None, "location_id")
    lines = [
        OrderLine(sku=mappings.sku(_line_sku(item), f"line_items.{n}.sku"), quantity=item.quantity, unit_price=minor_units(item.price, currency), location_id=location)
        for n, item in enumerate(order.line_items)
    ]
    shipping = order.total_shipping_price_set.shop_money.amount if order.total_shipping_price_set else None
    customer = order.customer or ShopifyCustomer()
    return ChannelOrderReceived(
        channel=entry.channel,
        channel_kind=entry.channel_kind,
        channel_order_id=str(order.id),
        webhook_id=entry.webhook_id,
        currency=currency,
        lines=lines,
        subtotal=minor_units(order.subtotal_price, currency),
        shipping=minor_units(shipping, currency) if shipping is not None else sum(minor_units(line.price, currency) for line in order.shipping_lines),
        tax=minor_units(order.total_tax, currency),
        grand_total=minor_units(order.total_price, currency),
        customer=OrderCustomer(
            channel_customer_id=str(customer.id) if customer.id is not None else None,
            email=order.email or order.contact_email or customer.email,
            phone=order.phone or customer.phone,
            name=" ".join(part for part in (customer.first_name, customer.last_name) if part) or None,
        ),
        fulfilled=order.fulfillment_status == "fulfilled",
        placed_at=_utc(order.created_at),
    )


def normalize(entry: Entry, raw: bytes, mappings: Mappings) -> list[DomainEvent]:
    body = json_body(raw)
    try:
        if entry.topic == "orders/create":
            return [_order(entry, _parsed(ShopifyOrder, body), mappings)]
        if entry.topic == "orders/cancelled":
            order = _parsed(ShopifyOrder, body)
            at = _utc(order.cancelled_at) if order.cancelled_at else clock.iso(clock.now())
            return [ChannelOrderCancelled(channel=entry.channel, channel_order_id=str(order.id), webhook_id=entry.webhook_id, at=at)]
        if entry.topic == "refunds/create":
            refund = _parsed(ShopifyRefund, body)
            return [
                StockReceiptPosted(
                    channel=entry.channel,
                    webhook_id=line_event_id(entry.webhook_id, n),
                    sku=mappings.sku(_line_sku(line.line_item), f"refund_line_items.{n}.line_item.sku"),
                    location_id=mappings.location(str(line.location_id) if line.location_id is not None else None, f"refund_line_items.{n}.location_id"),
                    quantity=line.quantity,
                )
                for n, line in enumerate(refund.refund_line_items)
                if line.restock_type in RESTOCKED_TYPES and line.quantity > 0
            ]
        if entry.topic == "inventory_levels/update":
            level = _parsed(ShopifyInventoryLevel, body)
            return [
                StockCountPosted(
                    channel=entry.channel,
                    webhook_id=entry.webhook_id,
                    sku=mappings.sku(str(level.inventory_item_id), "inventory_item_id"),
                    location_id=mappings.location(str(level.location_id), "location_id"),
                    quantity=max(0, level.available or 0),  # Shopify lets a figure go negative; on hand stops at 0
                    count_version=int(parse_time(level.updated_at).timestamp() * 1000),  # newer figure, higher version
                )
            ]
    except BadAmount as bad:
        raise Malformed(str(bad)) from None
    except ValueError as bad:  # a time that is not one
        raise Malformed(str(bad)) from None
    raise Malformed(f"Omni does not handle the Shopify topic {entry.topic!r}")
