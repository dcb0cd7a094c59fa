"""Applies what channels report in their webhooks: sales that already happened (and channels' orders,
whose stock is taken the same way), stock receipts, and counts (absolute figures: the highest
count_version wins, so a count older than the one applied is dropped as stale, and out-of-order updates
of one SKU end at the newest).

Both are idempotent by the webhook id in the channel's own key scope, so a redelivered event changes
nothing, and both happen only at locations that serve the channel. The channel's kind comes from the
deployment's channel list (kernel.settings), never from the event body. A SKU, location or channel
inventory does not know, a location that does not serve the channel, a channel that may not post
this change, or a webhook id the channel already used for another change (409 idempotency_key_reused,
e.g. a sale it also posted over the API) is an error at the channel that retrying the same event will
not fix: it is logged, counted (ChannelEventsDropped) and dropped, instead of retried for hours into
the rule's dead-letter queue. Nothing is lost: the webhook stays 30 days in
the channels inbox and the event in the bus archive, to replay once fixed. Any other error raises,
for EventBridge to retry and the DLQ to keep.
"""

from __future__ import annotations

import hashlib

from channels.models.events import ChannelOrderReceived, ChannelSaleRecorded, StockCountPosted, StockReceiptPosted  # the channels' published contract
from inventory.logic.adjustments import adjust, record_sale
from inventory.models.stock import AdjustmentIn, AdjustmentKind, SaleIn, SaleLineIn
from kernel.consumer import Reaction, event_handler
from kernel.envelope import Envelope
from kernel.errors import Conflict, Forbidden, IdempotencyKeyReused, NotFound
from kernel.observability import logger, metrics
from kernel.settings import Channel, settings


def _registered(channel_id: str) -> Channel:
    channel = settings().channel(channel_id)
    if channel is None:
        raise NotFound(f"unknown channel {channel_id}", field="channel")
    return channel


def _sale(event: Envelope) -> None:
    sale = event.unwrap(ChannelSaleRecorded)
    lines = [SaleLineIn(sku=line.sku, location_id=line.location_id, quantity=line.quantity) for line in sale.lines]
    record_sale(_registered(sale.channel), SaleIn(source_event_id=sale.webhook_id, lines=lines))


def _channel_order(event: Envelope) -> None:
    """A channel's order takes its stock at once, like a recorded sale (the same per-source policy:
    recorded even when short, with OversellDetected), once per channel order id however often the
    channel re-sends it (under another webhook id)."""
    order = event.unwrap(ChannelOrderReceived)
    lines = [SaleLineIn(sku=line.sku, location_id=line.location_id, quantity=line.quantity) for line in order.lines]
    record_sale(_registered(order.channel), SaleIn(source_event_id=channel_order_key(order.channel_order_id), lines=lines))


def channel_order_key(channel_order_id: str) -> str:
    """The ledger key of a channel order's sale (kept apart from webhook ids, and within an Identifier's 64)."""
    key = f"order:{channel_order_id}"
    return key if len(key) <= 64 and channel_order_id[:1].isalnum() else "order:" + hashlib.sha256(channel_order_id.encode()).hexdigest()[:40]


def _receipt(event: Envelope) -> None:
    receipt = event.unwrap(StockReceiptPosted)
    adjust(
        AdjustmentIn(
            source_event_id=receipt.webhook_id,
            kind=AdjustmentKind.receipt,
            sku=receipt.sku,
            location_id=receipt.location_id,
            quantity=receipt.quantity,
            reason=f"receipt reported by channel {receipt.channel}",
        ),
        _registered(receipt.channel),
    )


def _count(event: Envelope) -> None:
    count = event.unwrap(StockCountPosted)
    body = AdjustmentIn(
        source_event_id=count.webhook_id,
        kind=AdjustmentKind.count,
        sku=count.sku,
        location_id=count.location_id,
        quantity=count.quantity,
        count_version=count.count_version,
        reason=f"count reported by channel {count.channel}",
    )
    try:
        adjust(body, _registered(count.channel))
    except Conflict as stale:
        if stale.code != "stale_count":
            raise
        logger.info("an older count than the one applied: dropped", extra={"sku": count.sku, "location_id": count.location_id, "count_version": count.count_version})
        metrics.add_metric(name="StaleCountsDropped", unit="Count", value=1)


def _dropping_unknown_items(reaction: Reaction) -> Reaction:
    def react(event: Envelope) -> None:
        try:
            reaction(event)
        except (NotFound, Forbidden, IdempotencyKeyReused) as refused:  # other conflicts (contention) raise: a retry may pass
            logger.warning("channel event refused: dropped", extra={"detail": refused.detail, "field": refused.extra.get("field")})
            metrics.add_metric(name="ChannelEventsDropped", unit="Count", value=1)

    return react


handler = event_handler(
    {
        "ChannelSaleRecorded": _dropping_unknown_items(_sale),
        "StockReceiptPosted": _dropping_unknown_items(_receipt),
        "ChannelOrderReceived": _dropping_unknown_items(_channel_order),
        "StockCountPosted": _dropping_unknown_items(_count),
    }
)
