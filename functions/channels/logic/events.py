"""Which channels events an item change means (the outbox mapper: pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterator

from channels.models.events import ChannelSaleRecorded, SoldLine, StockReceiptPosted
from kernel.envelope import DomainEvent
from kernel.outbox import Change


def events_from_change(change: Change) -> Iterator[DomainEvent]:
    new = change.new
    if new is None or change.old is not None or new.get("type") != "webhook":
        return  # an inbox item is written once; later changes are TTL clean-ups
    payload, data = new["payload"], new["payload"]["data"]
    if payload["type"] == "sale":
        yield ChannelSaleRecorded(
            channel=new["channel"],
            channel_kind=new["channel_kind"],
            webhook_id=new["webhook_id"],
            lines=[SoldLine(**line) for line in data["lines"]],
        )
    elif payload["type"] == "receipt":
        yield StockReceiptPosted(channel=new["channel"], webhook_id=new["webhook_id"], sku=data["sku"], location_id=data["location_id"], quantity=data["quantity"])
