"""InventoryChannelSync: what channels report (ChannelSaleRecorded, StockReceiptPosted) through its
EventBridge rule, under moto. Redelivery changes nothing; unknown SKUs or locations do not poison."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from channels.models.events import ChannelSaleRecorded, SoldLine, StockCountPosted, StockReceiptPosted
from inventory.handlers import api, catalog_sync, channel_sync, outbox
from kernel.envelope import Envelope
from kernel.errors import Conflict
from support.triggers import Context, call, eventbridge_event, stream_event

STORE = {"name": "Paris Rivoli", "kind": "store", "address": {"lines": ["1 rue de Rivoli"], "city": "Paris", "country": "FR"}}


def bus_event(event) -> dict:
    envelope = Envelope.wrap(event, id=str(uuid.uuid4()), source="omni.channels", time=datetime.now(UTC), correlation_id="c-1")
    return eventbridge_event({"Source": "omni.channels", "DetailType": event.TYPE, "Detail": envelope.model_dump_json()})


def pos_sale(webhook_id: str, quantity: int, sku: str = "TEE-S", location: str = "paris") -> dict:
    return bus_event(ChannelSaleRecorded(channel="pos", channel_kind="store", webhook_id=webhook_id, lines=[SoldLine(sku=sku, location_id=location, quantity=quantity)]))


def on_hand() -> int:
    status, levels = call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)
    assert status == 200
    return levels[0]["on_hand"]


@pytest.fixture
def store(inventory):
    product = {"id": "e-1", "type": "ProductChanged", "version": 1, "source": "omni.catalog", "time": "2026-11-23T10:00:00Z", "data": {"product_id": "tee", "name": "Tee", "skus": ["TEE-S"], "seq": 1}}
    catalog_sync.handler(eventbridge_event({"Source": "omni.catalog", "DetailType": "ProductChanged", "Detail": json.dumps(product)}), Context())
    assert call(api.handler, "PUT", "/v1/locations/paris", STORE, operator=True)[0] == 200
    for channel in ("pos", "marketplace"):
        assert call(api.handler, "PUT", f"/v1/channels/{channel}/locations/paris", operator=True)[0] == 200
    receipt = {"source_event_id": "asn-1", "sku": "TEE-S", "location_id": "paris", "kind": "receipt", "quantity": 10}
    assert call(api.handler, "POST", "/v1/adjustments", receipt, operator=True)[0] == 201
    inventory.stream_records()  # the set-up's changes are not under test
    inventory.queue = inventory.capture_bus("omni.inventory")
    return inventory


def test_a_channel_sale_is_recorded_and_its_redelivery_changes_nothing(store):
    sale = pos_sale("pos-1", 3)
    channel_sync.handler(sale, Context())
    assert on_hand() == 7
    after = store.items()
    channel_sync.handler(sale, Context())
    channel_sync.handler(pos_sale("pos-1", 3), Context())  # the same sale under a new event id (a replayed webhook event)
    assert store.items() == after and on_hand() == 7


def test_a_short_sale_is_recorded_anyway_and_raises_oversell_detected(store):
    channel_sync.handler(pos_sale("pos-2", 12), Context())
    assert on_hand() == -2
    assert outbox.handler(stream_event(store.stream_records(), store.stream_arn), Context()) == {"batchItemFailures": []}
    [oversell] = [event["detail"]["data"] for event in store.captured(store.queue) if event["detail-type"] == "OversellDetected"]
    assert (oversell["source_event_id"], oversell["channel"], oversell["shortfall"]) == ("pos-2:0", "pos", 2)


def test_a_receipt_is_applied_once(store):
    receipt = bus_event(StockReceiptPosted(channel="marketplace", webhook_id="asn-9", sku="TEE-S", location_id="paris", quantity=5))
    channel_sync.handler(receipt, Context())
    channel_sync.handler(receipt, Context())
    assert on_hand() == 15


@pytest.mark.parametrize("sku, location", [("NOPE", "paris"), ("TEE-S", "nowhere")])
def test_an_unknown_sku_or_location_is_dropped_with_a_metric_not_raised(store, capsys, sku, location):
    before = store.items()
    channel_sync.handler(pos_sale("pos-3", 1, sku=sku, location=location), Context())
    channel_sync.handler(bus_event(StockReceiptPosted(channel="pos", webhook_id="r-3", sku=sku, location_id=location, quantity=1)), Context())
    assert store.items() == before
    assert capsys.readouterr().out.count('"ChannelEventsDropped"') >= 2  # one EMF metric line per dropped event


def test_the_same_webhook_id_from_two_channels_is_two_sales(store):
    channel_sync.handler(pos_sale("same-id", 2), Context())
    marketplace = ChannelSaleRecorded(channel="marketplace", channel_kind="marketplace", webhook_id="same-id", lines=[SoldLine(sku="TEE-S", location_id="paris", quantity=3)])
    channel_sync.handler(bus_event(marketplace), Context())
    assert on_hand() == 5


def test_a_channel_changes_stock_only_at_locations_that_serve_it_and_as_the_registry_knows_it(store, capsys):
    assert call(api.handler, "PUT", "/v1/locations/lyon", STORE, operator=True)[0] == 200
    before = store.items()
    channel_sync.handler(pos_sale("pos-5", 1, location="lyon"), Context())  # lyon does not serve pos
    channel_sync.handler(bus_event(StockReceiptPosted(channel="pos", webhook_id="r-5", sku="TEE-S", location_id="lyon", quantity=4)), Context())
    # web is a storefront in the registry, whatever kind the event claims; "ghost" is no channel at all
    channel_sync.handler(bus_event(ChannelSaleRecorded(channel="web", channel_kind="store", webhook_id="w-1", lines=[SoldLine(sku="TEE-S", location_id="paris", quantity=1)])), Context())
    channel_sync.handler(bus_event(ChannelSaleRecorded(channel="ghost", channel_kind="store", webhook_id="g-1", lines=[SoldLine(sku="TEE-S", location_id="paris", quantity=1)])), Context())
    assert store.items() == before
    call(api.handler, "PUT", "/v1/channels/web/locations/paris", operator=True)
    before = store.items()
    channel_sync.handler(bus_event(StockReceiptPosted(channel="web", webhook_id="w-2", sku="TEE-S", location_id="paris", quantity=4)), Context())  # a storefront posts no receipts
    assert store.items() == before
    assert capsys.readouterr().out.count('"ChannelEventsDropped":[1.0]') == 5  # one EMF metric line each


@pytest.mark.parametrize("error", [RuntimeError("DynamoDB is down"), Conflict("stock changed too often; try again", code="contention")])
def test_other_errors_raise_for_eventbridge_to_retry(store, monkeypatch, error):
    def broken(*_):
        raise error

    monkeypatch.setattr(channel_sync, "record_sale", broken)
    with pytest.raises(type(error)):
        channel_sync.handler(pos_sale("pos-4", 1), Context())


def test_a_webhook_sale_reusing_an_id_the_channel_already_used_for_another_sale_is_dropped_not_retried(store, capsys):
    """The channel chose the same id for two different sales (one over the API, one by webhook): a 409
    `idempotency_key_reused` that every retry would meet again, so it is dropped like the other refusals,
    not retried for a day into the dead-letter queue."""
    sale = {"source_event_id": "till-77", "lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 1}]}
    assert call(api.handler, "POST", "/v1/sales", sale, channel_key="key-pos")[0] == 201
    before = store.items()
    channel_sync.handler(pos_sale("till-77", 2), Context())
    assert store.items() == before and on_hand() == 9
    assert capsys.readouterr().out.count('"ChannelEventsDropped":[1.0]') == 1


def count(webhook_id: str, quantity: int, version: int, channel: str = "marketplace") -> dict:
    return bus_event(StockCountPosted(channel=channel, webhook_id=webhook_id, sku="TEE-S", location_id="paris", quantity=quantity, count_version=version))


def test_out_of_order_counts_of_one_sku_end_at_the_newest_and_a_redelivery_changes_nothing(store, capsys):
    """Shopify inventory levels (or a warehouse's counts) arrive in any order: the highest version wins."""
    for webhook_id, quantity, version in [("lvl-2", 30, 2_000), ("lvl-3", 25, 3_000), ("lvl-1", 99, 1_000)]:
        channel_sync.handler(count(webhook_id, quantity, version), Context())
    assert on_hand() == 25  # lvl-1 (the oldest, delivered last) was dropped as stale
    assert capsys.readouterr().out.count('"StaleCountsDropped":[1.0]') == 1
    after = store.items()
    channel_sync.handler(count("lvl-3", 25, 3_000), Context())  # the newest, delivered again
    channel_sync.handler(count("lvl-2", 30, 2_000), Context())  # an older one, delivered again: its ledger row answers
    assert store.items() == after and on_hand() == 25


def test_a_storefront_cannot_post_a_count(store, capsys):
    before = store.items()
    channel_sync.handler(count("web-lvl", 0, 5_000, channel="web"), Context())
    assert store.items() == before and '"ChannelEventsDropped"' in capsys.readouterr().out
