"""Which channels events an item change means (the outbox mapper: pure, no I/O).

An inbox entry is published when it becomes processed: its normalized events, stored on it by the
normalizer, rebuilt as the models they were. A replay publishes them again (through received, then
processed): consumers are idempotent on the business keys the events carry (the webhook id, the channel
order id), so a replay applies nothing twice."""

from __future__ import annotations

from collections.abc import Iterator

from channels.models.events import NORMALIZED_EVENTS
from kernel.envelope import DomainEvent
from kernel.outbox import Change


def events_from_change(change: Change) -> Iterator[DomainEvent]:
    new, old = change.new, change.old
    if new is None or new.get("type") != "webhook" or new.get("state") != "processed":
        return
    if old is not None and old.get("state") == "processed":
        return  # already published (a duplicate's audit line, a TTL clean-up)
    for event in new.get("normalized") or []:
        yield NORMALIZED_EVENTS[event["type"]].model_validate(event["data"])
