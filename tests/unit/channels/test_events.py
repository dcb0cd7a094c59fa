"""The channels outbox mapper: an inbox item's insert is the event, once; nothing else is."""

from channels.logic.events import events_from_change
from kernel.outbox import Change

SALE = {
    "pk": "WEBHOOK#pos",
    "sk": "pos-1",
    "type": "webhook",
    "channel": "pos",
    "channel_kind": "store",
    "webhook_id": "pos-1",
    "payload": {"type": "sale", "data": {"lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 2}, {"sku": "MUG", "location_id": "paris", "quantity": 1}]}},
    "received_at": "2026-11-23T12:00:00.000000Z",
    "ttl": 1798012800,
    "seq": 1,
}
RECEIPT = {**SALE, "pk": "WEBHOOK#marketplace", "sk": "asn-7", "channel": "marketplace", "channel_kind": "marketplace", "webhook_id": "asn-7", "payload": {"type": "receipt", "data": {"sku": "TEE-S", "location_id": "wh", "quantity": 40}}}


def test_an_accepted_sale_is_channel_sale_recorded_with_its_lines():
    [event] = events_from_change(Change("INSERT", None, SALE))
    assert event.TYPE == "ChannelSaleRecorded"
    assert event.model_dump() == {
        "channel": "pos",
        "channel_kind": "store",
        "webhook_id": "pos-1",
        "lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 2}, {"sku": "MUG", "location_id": "paris", "quantity": 1}],
    }


def test_an_accepted_receipt_is_stock_receipt_posted():
    [event] = events_from_change(Change("INSERT", None, RECEIPT))
    assert event.TYPE == "StockReceiptPosted"
    assert event.model_dump() == {"channel": "marketplace", "webhook_id": "asn-7", "sku": "TEE-S", "location_id": "wh", "quantity": 40}


def test_changes_after_the_insert_and_ttl_removals_publish_nothing():
    assert list(events_from_change(Change("MODIFY", SALE, {**SALE, "seq": 2}))) == []
    assert list(events_from_change(Change("REMOVE", SALE, None))) == []


def test_other_items_publish_nothing():
    assert list(events_from_change(Change("INSERT", None, {"pk": "X", "sk": "Y", "type": "something-else"}))) == []
