"""Omni's own generic format (decision 15): POS sales and returns, warehouse receipts and counts, signed
with Omni-Webhook-* headers (channels.logic.signatures). Its senders use Omni's SKUs and locations, or
names the channel's mappings translate."""

from __future__ import annotations

from collections.abc import Mapping

from channels.logic import payloads, signatures
from channels.logic.formats import Delivery, Entry, Malformed, Mappings, line_event_id
from channels.models.events import ChannelSaleRecorded, SoldLine, StockCountPosted, StockReceiptPosted
from channels.models.webhooks import CountWebhook, ReceiptWebhook, ReturnWebhook, SaleWebhook
from kernel.envelope import DomainEvent
from kernel.errors import Unprocessable

STRICT_MAPPINGS = False


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: int) -> Delivery:
    delivery = signatures.verify(secret, headers, body, now)
    return Delivery(webhook_id=delivery.webhook_id, topic="", sent_at=str(delivery.timestamp))


def normalize(entry: Entry, body: bytes, mappings: Mappings) -> list[DomainEvent]:
    try:
        webhook = payloads.parse_body(body)
    except Unprocessable as invalid:  # checked at the door already; only a tightened schema gets here
        raise Malformed(invalid.detail) from None
    channel, webhook_id = entry.channel, entry.webhook_id
    if isinstance(webhook, SaleWebhook):
        lines = [
            SoldLine(sku=mappings.sku(line.sku, f"lines.{n}.sku"), location_id=mappings.location(line.location_id, f"lines.{n}.location_id"), quantity=line.quantity)
            for n, line in enumerate(webhook.data.lines)
        ]
        return [ChannelSaleRecorded(channel=channel, channel_kind=entry.channel_kind, webhook_id=webhook_id, lines=lines)]
    if isinstance(webhook, ReceiptWebhook):
        data = webhook.data
        return [StockReceiptPosted(channel=channel, webhook_id=webhook_id, sku=mappings.sku(data.sku, "sku"), location_id=mappings.location(data.location_id, "location_id"), quantity=data.quantity)]
    if isinstance(webhook, CountWebhook):
        data = webhook.data
        sku, location_id = mappings.sku(data.sku, "sku"), mappings.location(data.location_id, "location_id")
        return [StockCountPosted(channel=channel, webhook_id=webhook_id, sku=sku, location_id=location_id, quantity=data.quantity, count_version=data.count_version)]
    if isinstance(webhook, ReturnWebhook):  # the sellable units go back into stock, line by line
        return [
            StockReceiptPosted(
                channel=channel,
                webhook_id=line_event_id(webhook_id, n),
                sku=mappings.sku(line.sku, f"lines.{n}.sku"),
                location_id=mappings.location(line.location_id, f"lines.{n}.location_id"),
                quantity=line.quantity - line.damaged,
            )
            for n, line in enumerate(webhook.data.lines)
            if line.quantity > line.damaged
        ]
    raise Malformed(f"no events for a {webhook.type} webhook")  # pragma: no cover - the union is closed
