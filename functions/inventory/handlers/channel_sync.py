"""Applies what channels report in their webhooks: sales that already happened, and stock receipts.

Both are idempotent by source_event_id ("<channel>:<webhook id>"), so a redelivered event changes
nothing. A SKU or location inventory does not know is a mapping error at the channel that retrying
the same event will not fix: it is logged, counted (ChannelEventsDropped) and dropped, instead of
retried for hours into the rule's dead-letter queue. Nothing is lost: the webhook stays 30 days in
the channels inbox and the event in the bus archive, to replay once fixed. Any other error raises,
for EventBridge to retry and the DLQ to keep.
"""

from __future__ import annotations

from channels.models.events import ChannelSaleRecorded, StockReceiptPosted  # the channels' published contract, not its tables
from inventory.logic.adjustments import adjust, record_sale
from inventory.models.stock import AdjustmentIn, AdjustmentKind, SaleIn, SaleLineIn
from kernel.consumer import Reaction, event_handler
from kernel.envelope import Envelope
from kernel.errors import NotFound
from kernel.observability import logger, metrics
from kernel.settings import Channel


def _sale(event: Envelope) -> None:
    sale = event.unwrap(ChannelSaleRecorded)
    lines = [SaleLineIn(sku=line.sku, location_id=line.location_id, quantity=line.quantity) for line in sale.lines]
    record_sale(Channel(id=sale.channel, kind=sale.channel_kind), SaleIn(source_event_id=f"{sale.channel}:{sale.webhook_id}", lines=lines))


def _receipt(event: Envelope) -> None:
    receipt = event.unwrap(StockReceiptPosted)
    adjust(
        AdjustmentIn(
            source_event_id=f"{receipt.channel}:{receipt.webhook_id}",
            kind=AdjustmentKind.receipt,
            sku=receipt.sku,
            location_id=receipt.location_id,
            quantity=receipt.quantity,
            reason=f"receipt reported by channel {receipt.channel}",
        )
    )


def _dropping_unknown_items(reaction: Reaction) -> Reaction:
    def react(event: Envelope) -> None:
        try:
            reaction(event)
        except NotFound as unknown:
            logger.warning("channel event names an unknown SKU or location: dropped", extra={"detail": unknown.detail, "field": unknown.extra.get("field")})
            metrics.add_metric(name="ChannelEventsDropped", unit="Count", value=1)

    return react


handler = event_handler(
    {
        "ChannelSaleRecorded": _dropping_unknown_items(_sale),
        "StockReceiptPosted": _dropping_unknown_items(_receipt),
    }
)

