"""The adjustment ledger: one row per applied adjustment, transfer or sale line, keyed by the caller's
scope and the sender's id. Writing it in the same transaction as the stock change makes the change
happen exactly once; what the row keeps of the request lets a replay be told from a reused key."""

from __future__ import annotations

from inventory.dal import keys
from inventory.models.stock import Adjustment
from kernel import table
from kernel.context import correlation_id

RETENTION_SECONDS = 90 * 86_400  # how long a source event id is remembered


def record(scope: str, adjustment: Adjustment, now_epoch: int, **request: object) -> dict:
    """The ledger row; `request` keeps what else identifies the request (e.g. a sale's line count)."""
    item = {
        **keys.adjustment(scope, adjustment.source_event_id),
        "type": "adjustment",
        "scope": scope,
        **adjustment.model_dump(mode="json", exclude_none=True),
        **request,
        "ttl": now_epoch + RETENTION_SECONDS,
        "correlation_id": correlation_id(),
    }
    return keys.TABLE.put(item, "attribute_not_exists(pk)")


def rows(scope: str, source_event_ids: list[str]) -> dict[str, dict]:
    """The stored rows of these ids (consistent reads), by id."""
    found = keys.TABLE.batch_get([keys.adjustment(scope, source_id) for source_id in source_event_ids])
    return {item["source_event_id"]: item for item in found}


def adjustment_from(item: dict) -> Adjustment:
    return table.as_model(Adjustment, item)
