"""Inventory's side of orders' and channels' events, through their EventBridge rules under moto: a channel's
order takes its stock like a recorded sale (once per channel order id, even when short), a return puts its
sellable units back at the receiving location (once per return)."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from inventory.handlers import api, catalog_sync, channel_sync, returns
from support.triggers import Context, call, eventbridge_event

STORE = {"name": "Paris Rivoli", "kind": "store", "address": {"lines": ["1 rue de Rivoli"], "city": "Paris", "country": "FR"}}


def bus_event(source: str, detail_type: str, data: dict) -> dict:
    envelope = {"id": str(uuid.uuid4()), "type": detail_type, "version": 1, "source": source, "time": datetime.now(UTC).isoformat(), "correlation_id": "c-1", "data": data}
    return eventbridge_event({"Source": source, "DetailType": detail_type, "Detail": json.dumps(envelope)})


def channel_order(channel_order_id: str, quantity: int, webhook_id: str = "wh-1") -> dict:
    data = {
        "channel": "marketplace", "channel_kind": "marketplace", "channel_order_id": channel_order_id, "webhook_id": webhook_id, "currency": "EUR",
        "lines": [{"sku": "TEE-S", "quantity": quantity, "unit_price": 1000, "location_id": "paris"}],
        "subtotal": 1000 * quantity, "shipping": 0, "tax": 0, "grand_total": 1000 * quantity,
        "customer": {"channel_customer_id": "m-1", "email": None, "phone": None}, "fulfilled": False, "placed_at": "2026-11-23T10:00:00Z",
    }  # fmt: skip
    return bus_event("omni.channels", "ChannelOrderReceived", data)


def returned(return_id: str, received: int, damaged: int) -> dict:
    data = {"return_id": return_id, "order_id": "o-1", "channel": "pos", "location_id": "paris", "lines": [{"sku": "TEE-S", "received": received, "damaged": damaged}], "at": "2026-11-23T10:00:00Z"}
    return bus_event("omni.orders", "ReturnReceived", data)


def on_hand() -> int:
    status, levels = call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)
    assert status == 200
    return levels[0]["on_hand"]


@pytest.fixture
def store(inventory):
    product = {"id": "e-1", "type": "ProductChanged", "version": 1, "source": "omni.catalog", "time": "2026-11-23T10:00:00Z", "data": {"product_id": "tee", "name": "Tee", "skus": ["TEE-S"], "seq": 1}}
    catalog_sync.handler(eventbridge_event({"Source": "omni.catalog", "DetailType": "ProductChanged", "Detail": json.dumps(product)}), Context())
    assert call(api.handler, "PUT", "/v1/locations/paris", STORE, operator=True)[0] == 200
    assert call(api.handler, "PUT", "/v1/channels/marketplace/locations/paris", operator=True)[0] == 200
    receipt = {"source_event_id": "asn-1", "sku": "TEE-S", "location_id": "paris", "kind": "receipt", "quantity": 10}
    assert call(api.handler, "POST", "/v1/adjustments", receipt, operator=True)[0] == 201
    return inventory


def test_a_channel_order_takes_its_stock_once_however_often_the_channel_sends_it(store):
    channel_sync.handler(channel_order("M-1001", 3), Context())
    assert on_hand() == 7
    channel_sync.handler(channel_order("M-1001", 3), Context())  # redelivered
    channel_sync.handler(channel_order("M-1001", 3, webhook_id="wh-2"), Context())  # re-sent under another webhook id
    assert on_hand() == 7


def test_a_short_channel_order_is_recorded_anyway(store):
    channel_sync.handler(channel_order("M-1002", 12), Context())
    assert on_hand() == -2  # it happened elsewhere: recorded, and OversellDetected raised by the sale path


def test_a_return_restocks_its_sellable_units_once(store):
    returns.handler(returned("r-1", 3, 1), Context())
    assert on_hand() == 12  # the damaged unit stays out
    returns.handler(returned("r-1", 3, 1), Context())
    assert on_hand() == 12
    returns.handler(returned("r-2", 1, 1), Context())  # all damaged: nothing back
    assert on_hand() == 12
