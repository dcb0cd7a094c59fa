"""Closing a store on the local runtime: LocationChanged → InventoryProjection → the LocationRecompute
work queue (moto SQS, the template's mapping) → InventoryLocationRecompute → availability."""

from __future__ import annotations

from support.waiting import eventually

SKUS = [f"E2E-FAN-{n}" for n in range(3)]
PRODUCT = {"product_id": "e2e-fan", "name": "Fan-out tee", "skus": [{"sku": sku, "prices": [{"channel": "marketplace", "currency": "EUR", "amount": 900}]} for sku in SKUS]}
STORE = {"name": "Closing store", "kind": "store", "address": {"lines": ["4 Test Street"], "city": "Brest", "country": "FR"}}


def test_closing_a_store_takes_every_sku_it_stocks_out_of_availability_through_the_work_queue(runtime, channel_session):
    from omni_client import OmniClient

    client = OmniClient(runtime.state())
    assert client.operator("POST", "/v1/products", PRODUCT).status_code == 201
    assert client.operator("PUT", "/v1/locations/e2e-closing", STORE).status_code == 200
    assert client.operator("PUT", "/v1/channels/marketplace/locations/e2e-closing").status_code == 200
    runtime.wait_idle(30)
    for number, sku in enumerate(SKUS):
        receipt = {"source_event_id": f"e2e-fan-{number}", "sku": sku, "location_id": "e2e-closing", "kind": "receipt", "quantity": 4}
        assert client.operator("POST", "/v1/adjustments", receipt).status_code == 201
    marketplace = channel_session("marketplace")

    def figures():
        """SKU -> (what the marketplace is promised, the store's own figure or None when it is not listed)."""
        items = marketplace.get("/v1/availability", params={"sku": SKUS, "per_location": "true"}).json()["items"]
        return {item["sku"]: (item["available"], item["locations"].get("e2e-closing")) for item in items}

    assert eventually(timeout=30, check=lambda: figures() == dict.fromkeys(SKUS, (4, 4))), figures()
    assert client.operator("PUT", "/v1/locations/e2e-closing", {**STORE, "open": False}).status_code == 200
    assert eventually(timeout=30, check=lambda: figures() == dict.fromkeys(SKUS, (0, None))), figures()  # a closed store promises nothing
