"""The channels outbox mapper: an inbox entry's normalized events are published when it becomes
processed, once per time it becomes processed; nothing else is."""

from channels.logic.events import events_from_change
from kernel.outbox import Change

SALE_EVENT = {"type": "ChannelSaleRecorded", "data": {"channel": "pos", "channel_kind": "store", "webhook_id": "pos-1", "lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 2}]}}
RECEIVED = {"pk": "WEBHOOK#pos", "sk": "pos-1", "type": "webhook", "channel": "pos", "channel_kind": "store", "webhook_id": "pos-1", "state": "received", "replays": 0, "seq": 1}
PROCESSED = {**RECEIVED, "state": "processed", "normalized": [SALE_EVENT], "seq": 2}


def test_an_entry_that_becomes_processed_publishes_its_normalized_events():
    [event] = events_from_change(Change("MODIFY", RECEIVED, PROCESSED))
    assert event.TYPE == "ChannelSaleRecorded"
    assert event.model_dump() == SALE_EVENT["data"]


def test_a_received_parked_or_failed_entry_publishes_nothing():
    assert list(events_from_change(Change("INSERT", None, RECEIVED))) == []
    for state in ("parked", "failed"):
        assert list(events_from_change(Change("MODIFY", RECEIVED, {**RECEIVED, "state": state}))) == []


def test_changes_of_a_processed_entry_and_ttl_removals_publish_nothing():
    assert list(events_from_change(Change("MODIFY", PROCESSED, {**PROCESSED, "duplicates": 1, "seq": 3}))) == []
    assert list(events_from_change(Change("REMOVE", PROCESSED, None))) == []


def test_a_replayed_entry_publishes_again_when_it_is_processed_again():
    replayed = {**PROCESSED, "state": "received", "replays": 1}
    assert list(events_from_change(Change("MODIFY", PROCESSED, replayed))) == []
    assert [event.TYPE for event in events_from_change(Change("MODIFY", replayed, {**replayed, "state": "processed"}))] == ["ChannelSaleRecorded"]


def test_other_items_publish_nothing():
    assert list(events_from_change(Change("INSERT", None, {"pk": "X", "sk": "Y", "type": "outbound", "state": "processed"}))) == []
