"""Channels table stream → each newly received (or replayed) inbox entry normalized into Omni's events,
or parked or failed with its reason. The outbox publishes the events once the entry says processed.

Records are handled in order; an error (DynamoDB unreachable) reports that record and the ones after it
as failed, so the stream resends from there: normalizing is idempotent (settling is guarded by the state
and replay count it read)."""

from __future__ import annotations

from channels.dal import inbox, registry
from channels.logic.normalize import needs_normalizing, outcome
from kernel import clock
from kernel.observability import logger, metrics, observed
from kernel.outbox import change_of


def _normalize(item: dict, mappings: dict) -> None:
    current = inbox.get(item["channel"], item["webhook_id"])  # the stream's image may be older than the item
    if current is None or current.get("state") != "received":
        return
    if item["channel"] not in mappings:
        mappings[item["channel"]] = registry.mappings(item["channel"])
    skus, locations = mappings[item["channel"]]
    result = outcome(current, inbox.raw_of(current), skus, locations)
    if inbox.settle(current, result.state, clock.now(), events=result.events, reason=result.reason, field=result.field):
        metrics.add_metric(name=f"Webhooks{result.state.capitalize()}", unit="Count", value=1)
        if result.state != "processed":
            logger.warning("inbox entry not processed", extra={"channel": item["channel"], "webhook_id": item["webhook_id"], "state": result.state, "reason": result.reason})


@observed()
def handler(event, context):
    records = event.get("Records") or []
    mappings: dict = {}  # per invocation: an operator's new mapping is seen by the next batch
    for position, record in enumerate(records):
        change = change_of(record)
        if not needs_normalizing(change.old, change.new):
            continue
        try:
            _normalize(change.new, mappings)
        except Exception:
            logger.exception("could not normalize inbox entry", extra={"event_id": record.get("eventID")})
            return {"batchItemFailures": [{"itemIdentifier": records[position]["dynamodb"]["SequenceNumber"]}]}
    return {"batchItemFailures": []}
