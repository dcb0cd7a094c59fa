"""Omni's marketplace order format (events/formats/marketplace.md): what a marketplace's server sends
when an order is placed or cancelled there.

  Marketplace-Delivery-Id: <id of this delivery; a retry keeps it>
  Marketplace-Signature:   t=<unix seconds>,v1=<base64url HMAC-SHA512(secret, "<t>.<delivery id>.<raw body>")>
                           (several v1= while a secret is rotated)

Unlike Shopify's, the signature covers the delivery id and the time with the body, so a captured
delivery can be sent again neither under a new id nor later than the 300 s tolerance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping

from pydantic import ValidationError

from channels.logic.formats import Delivery, Entry, Malformed, Mappings, json_body, parse_time
from channels.models.events import ChannelOrderCancelled, ChannelOrderReceived, OrderCustomer, OrderLine
from channels.models.marketplace import MarketplaceDelivery
from kernel import clock
from kernel.envelope import DomainEvent
from kernel.errors import Unauthorized

ID_HEADER = "Marketplace-Delivery-Id"
SIGNATURE_HEADER = "Marketplace-Signature"
TOLERANCE_SECONDS = 300
STRICT_MAPPINGS = True


def signature(secret: str, delivery_id: str, timestamp: int | str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{delivery_id}.".encode() + body, hashlib.sha512).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed_headers(secret: str, delivery_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {ID_HEADER: delivery_id, SIGNATURE_HEADER: f"t={timestamp},v1={signature(secret, delivery_id, timestamp, body)}"}


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: int) -> Delivery:
    named = {name.lower(): value for name, value in headers.items()}
    delivery_id = named.get(ID_HEADER.lower(), "").strip()
    parts = [part.strip().split("=", 1) for part in named.get(SIGNATURE_HEADER.lower(), "").split(",") if "=" in part]
    timestamps = [value for name, value in parts if name == "t"]
    offered = [value for name, value in parts if name == "v1"]
    if not delivery_id or len(timestamps) != 1 or not re.fullmatch(r"[0-9]{1,12}", timestamps[0]) or not offered:
        raise Unauthorized(f"a marketplace webhook needs {ID_HEADER} and {SIGNATURE_HEADER}: t=<unix seconds>,v1=<signature>", code="invalid_signature")
    expected = signature(secret, delivery_id, timestamps[0], body).encode()
    if not any(hmac.compare_digest(expected, candidate.encode()) for candidate in offered):
        raise Unauthorized("no signature matches the channel's webhook secret", code="invalid_signature")
    skew = now - int(timestamps[0])
    if abs(skew) > TOLERANCE_SECONDS:
        raise Unauthorized(f"the signature's time is {abs(skew)} s {'old' if skew > 0 else 'ahead'} (tolerance {TOLERANCE_SECONDS} s)", code="stale_timestamp")
    return Delivery(webhook_id=delivery_id, topic="", sent_at=timestamps[0])


def normalize(entry: Entry, raw: bytes, mappings: Mappings) -> list[DomainEvent]:
    try:
        delivery = MarketplaceDelivery.model_validate(json_body(raw))
    except ValidationError as error:
        fields = sorted({".".join(str(part) for part in item["loc"]) for item in error.errors()})
        raise Malformed(f"not a marketplace order delivery: {', '.join(fields)}") from None
    order = delivery.order
    if delivery.event == "order.cancelled":
        return [ChannelOrderCancelled(channel=entry.channel, channel_order_id=order.id, webhook_id=entry.webhook_id, at=_utc(delivery.occurred_at))]
    location = mappings.location(order.ship_from, "order.ship_from")
    lines = [
        OrderLine(sku=mappings.sku(item.listing_sku, f"order.items.{n}.listing_sku"), quantity=item.quantity, unit_price=item.unit_price, location_id=location) for n, item in enumerate(order.items)
    ]
    subtotal = sum(item.quantity * item.unit_price for item in order.items)
    if subtotal + order.shipping + order.tax != order.total:
        raise Malformed(f"order {order.id}: items {subtotal} + shipping {order.shipping} + tax {order.tax} is not the total {order.total}")
    return [
        ChannelOrderReceived(
            channel=entry.channel,
            channel_kind=entry.channel_kind,
            channel_order_id=order.id,
            webhook_id=entry.webhook_id,
            currency=order.currency,
            lines=lines,
            subtotal=subtotal,
            shipping=order.shipping,
            tax=order.tax,
            grand_total=order.total,
            customer=OrderCustomer(channel_customer_id=order.buyer.id, email=order.buyer.email, phone=order.buyer.phone, name=order.buyer.name),
            fulfilled=order.fulfilled_by_marketplace,
            placed_at=_utc(order.placed_at),
        )
    ]


def _utc(text: str) -> str:
    try:
        return clock.iso(parse_time(text))
    except ValueError:
        raise Malformed(f"{text!r} is not an ISO 8601 time") from None
