"""Channel webhooks over HTTP on the local runtime: a signed POS sale is verified, deduplicated,
turned into ChannelSaleRecorded, and inventory records it (with OversellDetected when short)."""

from __future__ import annotations

import time

import pytest
import requests

from support.bus import tapped
from support.waiting import eventually

PRODUCT = {"product_id": "e2e-hook-tee", "name": "Webhook tee", "skus": [{"sku": "E2E-HOOK-S", "prices": [{"channel": "pos", "currency": "EUR", "amount": 1999}]}]}
STORE = {"name": "Webhook store", "kind": "store", "address": {"lines": ["2 Test Street"], "city": "Lyon", "country": "FR"}}


def sale(quantity: int) -> dict:
    return {"type": "sale", "data": {"lines": [{"sku": "E2E-HOOK-S", "location_id": "e2e-hook-store", "quantity": quantity}]}}


def on_hand(client) -> int:
    return sum(level["on_hand"] for level in client.operator("GET", "/v1/stock/E2E-HOOK-S").json())


@pytest.fixture(scope="module")
def store(runtime):
    """A SKU with 5 units in a store, seeded through the API as an operator."""
    from omni_client import OmniClient

    client = OmniClient(runtime.state())
    assert client.operator("POST", "/v1/products", PRODUCT).status_code == 201
    assert client.operator("PUT", "/v1/locations/e2e-hook-store", STORE).status_code == 200
    assert client.operator("PUT", "/v1/channels/pos/locations/e2e-hook-store").status_code == 200  # a channel sells only where it is served
    runtime.wait_idle(30)  # inventory learns the SKU from the catalog's event
    receipt = {"source_event_id": "e2e-hook-asn", "sku": "E2E-HOOK-S", "location_id": "e2e-hook-store", "kind": "receipt", "quantity": 5}
    assert eventually(lambda: client.operator("POST", "/v1/adjustments", receipt).status_code == 201)
    runtime.wait_idle(30)
    return client


@pytest.fixture
def oversells(runtime):
    """Every OversellDetected put on the omni bus from now on (a moto rule into a moto queue)."""
    with tapped(runtime, "e2e-oversells", "omni.inventory", "OversellDetected") as received:
        yield received


def test_a_signed_pos_sale_lowers_on_hand_once_and_a_replay_is_409(runtime, store):
    response = store.webhook("pos", sale(2), webhook_id="e2e-pos-sale-1")
    assert response.status_code == 202, response.text
    assert response.json() == {"id": "e2e-pos-sale-1", "status": "accepted"}
    runtime.wait_idle(30)
    assert eventually(lambda: on_hand(store) == 3)
    replay = store.webhook("pos", sale(2), webhook_id="e2e-pos-sale-1")
    assert replay.status_code == 409 and replay.json()["code"] == "duplicate_delivery"
    runtime.wait_idle(30)
    assert on_hand(store) == 3


def test_a_sale_beyond_the_stock_is_recorded_and_oversell_detected_flows(runtime, store, oversells):
    before = on_hand(store)
    assert store.webhook("pos", sale(before + 4), webhook_id="e2e-pos-sale-2").status_code == 202
    runtime.wait_idle(30)
    assert eventually(lambda: on_hand(store) == -4)
    found = eventually(lambda: [event for event in oversells() if event["source_event_id"].startswith("e2e-pos-sale-2")])
    assert found and (found[0]["shortfall"], found[0]["channel"], found[0]["sku"]) == (4, "pos", "E2E-HOOK-S")


def test_an_unsigned_or_forged_webhook_is_refused_at_the_handler_and_changes_nothing(runtime, store):
    before = on_hand(store)
    url = store.api_url + "/v1/webhooks/pos"
    unsigned = requests.post(url, json=sale(1), timeout=10)  # no Omni-Webhook-* headers: API Gateway's validator refuses it
    assert unsigned.status_code == 400 and unsigned.headers["Content-Type"].startswith("application/problem+json")
    assert unsigned.json()["code"] == "BAD_REQUEST_PARAMETERS"
    unsigned = requests.post(url, json=sale(1), headers={"Omni-Webhook-Id": "unsigned-1", "Omni-Webhook-Timestamp": str(int(time.time()))}, timeout=10)
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "invalid_signature"
    forged = requests.post(url, json=sale(1), headers={"Omni-Webhook-Id": "forged-1", "Omni-Webhook-Timestamp": "1", "Omni-Webhook-Signature": "v1=" + "0" * 64}, timeout=10)
    assert forged.status_code == 401 and forged.json()["code"] == "invalid_signature"
    stale = store.webhook("pos", sale(1), webhook_id="e2e-stale", timestamp=1)
    assert stale.status_code == 401 and stale.json()["code"] == "stale_timestamp"
    runtime.wait_idle(30)
    assert on_hand(store) == before


def test_channels_move_stock_by_webhook_only_where_and_as_they_may(runtime, store):
    """Over HTTP, through the bus: a storefront's sale webhook is refused at the door; a marketplace sale
    at a store that does not serve the marketplace, and a POS webhook reusing the id of a sale it posted
    over the API with other lines, are accepted into the inbox but change no stock (dropped, not retried)."""
    before = on_hand(store)
    storefront = store.webhook("web", sale(1))
    assert storefront.status_code == 403 and storefront.headers["Content-Type"].startswith("application/problem+json")
    assert store.webhook("marketplace", sale(1), webhook_id="e2e-mkt-1").status_code == 202
    api_sale = {"source_event_id": "e2e-till-9", "lines": sale(1)["data"]["lines"]}
    assert store.channel("pos", "POST", "/v1/sales", api_sale).status_code == 201
    assert store.webhook("pos", sale(2), webhook_id="e2e-till-9").status_code == 202
    runtime.wait_idle(30)
    assert on_hand(store) == before - 1  # the API sale only
    assert dead_letters(runtime, "InventoryChannelSync") == []  # refused for good, so dropped, never retried into the DLQ


def dead_letters(runtime, function: str) -> list[dict]:
    """What the dead-letter queue of a function's EventBridge rule holds now (a second's wait)."""
    sqs = runtime.client("sqs")
    [queue] = [q.logical_id for q in runtime.resolver.resources("AWS::SQS::Queue") if q.logical_id.startswith(function) and "Dlq" in q.logical_id]
    messages = sqs.receive_message(QueueUrl=runtime.queue_url(queue), MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    return [message["Body"] for message in messages]
