"""AvailabilityChanged (inventory) and PriceChanged (catalog) → the newest figure kept per (channel,
topic, SKU) for each subscribing channel, and one send scheduled per burst (channels.logic.outbound)."""

from __future__ import annotations

from channels.dal import outbound as rows
from channels.dal import registry
from channels.logic import outbound
from kernel import queues
from kernel.consumer import event_handler
from kernel.envelope import Envelope
from kernel.observability import metrics

SENDER = "OutboundSender"


def _offer(event: Envelope) -> None:
    change = outbound.change_of(event)
    subscription = registry.subscription(change.channel)
    if subscription is None or change.topic not in subscription["events"]:
        return
    row = rows.offer(change.channel, change.topic, change.sku, change.version, change.figure)
    if outbound.needs_scheduling(row):  # also after a crash between offer and schedule: a redelivery schedules it
        queues.send_one(SENDER, {"channel": change.channel, "topic": change.topic, "sku": change.sku}, delay_seconds=int(subscription.get("coalesce_seconds", 1)))
        rows.mark_scheduled(row)
        metrics.add_metric(name="OutboundScheduled", unit="Count", value=1)


handler = event_handler({"AvailabilityChanged": _offer, "PriceChanged": _offer})
