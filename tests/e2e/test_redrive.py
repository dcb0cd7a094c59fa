"""EventBridge down for longer than the stream retries: the outboxes park their batches whole in S3,
and a redrive (the CLI over the operator route) republishes the very same events once the bus is back.
On the local runtime, with its fault switch on the EventBridge endpoint."""

from __future__ import annotations

from collections import Counter

import pytest

from omni_local.clients import local_client
from support.waiting import eventually

SKU = "E2E-REDRIVE-S"
PRODUCT = {"product_id": "e2e-redrive", "name": "Redrive tee", "skus": [{"sku": SKU, "prices": [{"channel": "web", "currency": "EUR", "amount": 1500}]}]}
STORE = {"name": "Redrive store", "kind": "store", "address": {"lines": ["3 Test Street"], "city": "Nantes", "country": "FR"}}


def parked(runtime) -> list[str]:
    s3 = local_client("s3", runtime.moto_endpoint)
    keys = []
    for bucket in s3.list_buckets()["Buckets"]:
        if "-parked-" in bucket["Name"]:
            keys += [item["Key"] for item in s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", [])]
    return keys


def ours(runtime) -> list[dict]:
    """Envelopes routed on the bus that concern this test's SKU or its webhook."""
    found = []
    for event in list(runtime.router.history):
        data = event["detail"].get("data", {})
        if data.get("sku") == SKU or data.get("webhook_id") == "e2e-redrive-sale" or any(line.get("sku") == SKU for line in data.get("lines", [])):
            found.append(event["detail"])
    return found


@pytest.fixture
def client(runtime):
    from omni_client import OmniClient

    client = OmniClient(runtime.state())
    assert client.operator("POST", "/v1/products", PRODUCT).status_code == 201
    assert client.operator("PUT", "/v1/locations/e2e-redrive-store", STORE).status_code == 200
    for channel in ("pos", "marketplace"):  # not web: other tests expect web's exact locations
        assert client.operator("PUT", f"/v1/channels/{channel}/locations/e2e-redrive-store").status_code == 200
    runtime.wait_idle(30)
    return client


def test_events_of_an_outage_longer_than_the_stream_retries_are_parked_and_redriven_exactly_once(runtime, client, channel_session):
    import omni_cli

    assert parked(runtime) == []
    before = len(ours(runtime))
    runtime.events.down = True
    try:
        receipt = {"source_event_id": "e2e-redrive-asn", "sku": SKU, "location_id": "e2e-redrive-store", "kind": "receipt", "quantity": 9}
        assert client.operator("POST", "/v1/adjustments", receipt).status_code == 201
        sale = {"type": "sale", "data": {"lines": [{"sku": SKU, "location_id": "e2e-redrive-store", "quantity": 2}]}}
        assert client.webhook("pos", sale, "e2e-redrive-sale").status_code == 202
        # Both outboxes (inventory: the receipt's StockChanged; channels: the sale) give up and park.
        assert eventually(timeout=60, check=lambda: len(parked(runtime)) >= 2), parked(runtime)
        runtime.wait_idle(60)
    finally:
        runtime.events.down = False
    assert len(ours(runtime)) == before, "nothing reached the bus during the outage"
    assert client.operator("GET", f"/v1/stock/{SKU}").json()[0]["on_hand"] == 9, "the sale never reached stock"

    assert omni_cli.redrive(client, limit=1) == 0  # one batch per call: the CLI loops until none is left
    runtime.wait_idle(60)
    assert parked(runtime) == []
    assert client.operator("GET", f"/v1/stock/{SKU}").json()[0]["on_hand"] == 7
    marketplace = channel_session("marketplace")
    assert eventually(timeout=60, check=lambda: marketplace.get("/v1/availability", params={"sku": SKU}).json()["items"][0]["available"] == 7)
    runtime.wait_idle(60)
    events = ours(runtime)[before:]
    counts = Counter(event["id"] for event in events)
    assert counts and set(counts.values()) == {1}, counts
    assert {"StockChanged", "ChannelSaleRecorded"} <= {event["type"] for event in events}

    assert omni_cli.redrive(client) == 0  # again: nothing parked, nothing published twice
    runtime.wait_idle(30)
    assert Counter(event["id"] for event in ours(runtime)[before:]) == counts
