"""An inbox entry's outcome: the events its raw body means in Omni's terms, or why it is parked or failed.
Pure: the entry and the channel's mappings come in, the outcome goes out (the handler reads and writes)."""

from __future__ import annotations

from dataclasses import dataclass

from channels.logic.formats import Entry, Malformed, Mappings, Parked
from channels.logic.formats.by_name import FORMATS
from channels.models.events import NORMALIZED_EVENTS


@dataclass(frozen=True)
class Outcome:
    state: str  # processed | parked | failed
    events: list[dict]  # [{type, data}] when processed
    reason: str | None = None
    field: str | None = None


def needs_normalizing(old: dict | None, new: dict | None) -> bool:
    """A webhook entry that just became received: new, or replayed (its replay count moved)."""
    if not new or new.get("type") != "webhook" or new.get("state") != "received":
        return False
    return old is None or old.get("state") != "received" or old.get("replays") != new.get("replays")


def outcome(item: dict, raw: bytes, skus: dict[str, str], locations: dict[str, str]) -> Outcome:
    module = FORMATS[item.get("format", "omni")]
    entry = Entry(channel=item["channel"], channel_kind=item["channel_kind"], webhook_id=item["webhook_id"], topic=item.get("topic", ""), sent_at=item.get("sent_at"))
    mappings = Mappings(skus=skus, locations=locations, strict=module.STRICT_MAPPINGS)
    try:
        events = module.normalize(entry, raw, mappings)
    except Parked as parked:
        return Outcome("parked", [], parked.reason, parked.field)
    except Malformed as malformed:
        return Outcome("failed", [], str(malformed))
    assert all(event.TYPE in NORMALIZED_EVENTS for event in events), "the outbox must be able to rebuild every event"
    return Outcome("processed", [{"type": event.TYPE, "data": event.model_dump(mode="json")} for event in events])
