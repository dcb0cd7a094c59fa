"""Payments table stream (inbox inserts only, by the mapping's filter) → each provider event applied.

Records are processed in order; the first that fails is reported (with those after it) as a batch item
failure, so Lambda retries from it, and a batch that keeps failing goes to the mapping's dead-letter queue.
Applying is idempotent, so a retried record changes nothing twice.
"""

from __future__ import annotations

import json

from kernel import clock
from kernel.observability import logger, metrics, observed
from kernel.outbox import change_of
from payments.dal import inbox
from payments.logic.webhooks import process


@observed()
def handler(event, context):
    for record in event.get("Records") or []:
        item = change_of(record).new
        if not item or item.get("type") != "provider_event" or item.get("applied_at"):
            continue
        try:
            outcome = process(item["provider"], json.loads(item["payload"]))
            inbox.mark_applied(item["provider"], item["event_id"], outcome, clock.iso(clock.now()))
            metrics.add_metric(name=f"ProviderEvents{outcome.title().replace('_', '')}", unit="Count", value=1)
        except Exception:
            logger.exception("provider event not applied", extra={"event_id": item.get("event_id"), "event_type": item.get("event_type")})
            return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
    return {"batchItemFailures": []}
