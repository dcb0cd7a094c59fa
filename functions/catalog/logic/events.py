"""Which catalog events an item change means (the outbox mapper: pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterator

from catalog.models.events import PriceChanged, ProductChanged
from kernel.envelope import DomainEvent
from kernel.outbox import Change


def events_from_change(change: Change) -> Iterator[DomainEvent]:
    item = change.new or change.old or {}
    if change.new is None:
        return
    if item.get("type") == "product":
        yield ProductChanged(product_id=item["product_id"], name=item["name"], skus=item["skus"], seq=item["seq"])
    elif item.get("type") == "sku":
        before = (change.old or {}).get("prices", {})
        after = change.new.get("prices", {})
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                channel, currency = key.split(":")
                yield PriceChanged(
                    sku=item["sku"],
                    product_id=item["product_id"],
                    channel=channel,
                    currency=currency,
                    amount=after.get(key),
                    previous_amount=before.get(key),
                    seq=item["seq"],
                )
