"""The adjustment ledger: one row per applied adjustment, transfer or sale, keyed by the sender's id.
Writing it in the same transaction as the stock change makes the change happen exactly once."""

from __future__ import annotations

from inventory.dal import keys
from inventory.models.stock import Adjustment
from kernel import table
from kernel.context import correlation_id

RETENTION_SECONDS = 90 * 86_400  # how long a source event id is remembered


def record(adjustment: Adjustment, now_epoch: int) -> dict:
    item = {
        **keys.adjustment(adjustment.source_event_id),
        "type": "adjustment",
        **adjustment.model_dump(mode="json", exclude_none=True),
        "ttl": now_epoch + RETENTION_SECONDS,
        "correlation_id": correlation_id(),
    }
    return table.put(item, "attribute_not_exists(pk)")


def get(source_event_id: str) -> Adjustment | None:
    item = table.get(keys.adjustment(source_event_id))
    return table.as_model(Adjustment, item) if item else None
