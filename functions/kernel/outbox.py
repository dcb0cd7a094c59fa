"""The transactional outbox: a domain table's stream, turned into domain events on the bus.

A domain writes only its table; this publisher maps each stream record (old and new image) to zero
or more events with the domain's pure `mapper`, and puts them on EventBridge in chunks of 10. A record
whose mapping raises, or any of whose entries PutEvents reports as failed, is reported as a batch item
failure, so Lambda retries the stream from that record: nothing is dropped silently. Event ids are
derived from the stream record, so a retried record republishes the same ids and consumers dedupe.
Records are read as the plain dicts Lambda delivers: Powertools' data classes package would load every
event source's classes on the cold path (decision 17).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kernel.aws import client
from kernel.envelope import DomainEvent, Envelope
from kernel.observability import logger, metrics, observed
from kernel.settings import settings
from kernel.table import plain_typed

_NAMESPACE = uuid.UUID("6f0d8c1e-2b54-4c0a-9a57-0d6e0e4c1a11")
PUT_EVENTS_CHUNK = 10


@dataclass(frozen=True)
class Change:
    """One item change, as the domain's mapper sees it. Numbers are ints where they are whole."""

    name: str  # INSERT | MODIFY | REMOVE
    old: dict[str, Any] | None
    new: dict[str, Any] | None


Mapper = Callable[[Change], Iterable[DomainEvent]]


def change_of(record: dict) -> Change:
    """One record of a DynamoDB stream event (`event["Records"][n]`) as the mapper's Change."""
    stream = record.get("dynamodb") or {}
    old, new = plain_typed(stream.get("OldImage")), plain_typed(stream.get("NewImage"))
    return Change(name=record.get("eventName") or "MODIFY", old=old, new=new)


class StreamOutbox:
    def __init__(self, source: str, mapper: Mapper):
        self.source = source
        self.mapper = mapper

    def entries_for(self, record: dict) -> list[dict]:
        change = change_of(record)
        item = change.new or change.old or {}
        approx = (record.get("dynamodb") or {}).get("ApproximateCreationDateTime")
        time = datetime.fromtimestamp(int(approx), UTC) if approx else datetime.now(UTC)
        entries = []
        for index, event in enumerate(self.mapper(change)):
            envelope = Envelope.wrap(
                event,
                id=str(uuid.uuid5(_NAMESPACE, f"{record.get('eventID')}/{index}/{event.TYPE}")),
                source=self.source,
                time=time,
                correlation_id=item.get("correlation_id"),
            )
            entries.append(
                {
                    "Source": self.source,
                    "DetailType": event.TYPE,
                    "Detail": envelope.model_dump_json(),
                    "EventBusName": settings().event_bus_name,
                }
            )
        return entries

    def publish(self, event: dict) -> dict:
        records = event.get("Records") or []
        pending: list[tuple[int, dict]] = []
        first_failed: int | None = None
        for position, record in enumerate(records):
            try:
                pending.extend((position, entry) for entry in self.entries_for(record))
            except Exception:
                logger.exception("could not map stream record", extra={"event_id": record.get("eventID")})
                first_failed = position
                break  # later records wait: Lambda resends from the first failed one, in order
        for start in range(0, len(pending), PUT_EVENTS_CHUNK):
            chunk = pending[start : start + PUT_EVENTS_CHUNK]
            if first_failed is not None and chunk[0][0] >= first_failed:
                break
            failed = self._put(chunk)
            if failed is not None:
                first_failed = failed if first_failed is None else min(first_failed, failed)
        published = sum(1 for position, _ in pending if first_failed is None or position < first_failed)
        metrics.add_metric(name="EventsPublished", unit="Count", value=published)
        if first_failed is None:
            return {"batchItemFailures": []}
        return {"batchItemFailures": [{"itemIdentifier": records[first_failed]["dynamodb"]["SequenceNumber"]}]}

    def _put(self, chunk: list[tuple[int, dict]]) -> int | None:
        """Put one chunk; the position of its first record with a failed entry, if any."""
        try:
            response = client("events").put_events(Entries=[entry for _, entry in chunk])
        except Exception:
            logger.exception("PutEvents failed")
            return chunk[0][0]
        failed = [position for (position, _), result in zip(chunk, response["Entries"], strict=True) if result.get("ErrorCode")]
        if failed:
            logger.error("PutEvents rejected entries", extra={"failed": response.get("FailedEntryCount"), "entries": json.dumps(response["Entries"])})
        return min(failed) if failed else None

    def handler(self):
        """The Lambda handler of the domain's outbox function."""

        @observed()
        def handler(event, context):
            return self.publish(event)

        return handler
