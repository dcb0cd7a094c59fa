"""Carts and checkout over HTTP on the local runtime: prices arrive through catalog's PriceChanged, stock
through inventory's API, and checkout writes both tables in one transaction (decision 32)."""

from __future__ import annotations

import uuid

import pytest

from support.waiting import eventually

PRICES = [{"channel": channel, "currency": "EUR", "amount": amount} for channel, amount in (("web", 1999), ("app", 1999))]
PRODUCTS = [
    {"product_id": "ck-tee", "name": "Checkout tee", "skus": [{"sku": "CK-TEE", "prices": PRICES}]},
    {"product_id": "ck-mug", "name": "Checkout mug", "skus": [{"sku": "CK-MUG", "prices": [{**price, "amount": 1200} for price in PRICES]}]},
]
ADDRESS = {"lines": ["1 rue"], "country": "FR"}
SITES = {
    "ck-paris": {"name": "Paris", "kind": "store", "address": {**ADDRESS, "city": "Paris"}, "coordinates": {"lat": 48.86, "lon": 2.35}, "capabilities": ["pickup", "ship_from_store"]},
    "ck-lyon": {"name": "Lyon warehouse", "kind": "warehouse", "address": {**ADDRESS, "city": "Lyon"}, "coordinates": {"lat": 45.76, "lon": 4.84}, "capabilities": ["ship"]},
    "ck-marseille": {"name": "Marseille", "kind": "store", "address": {**ADDRESS, "city": "Marseille"}, "coordinates": {"lat": 43.30, "lon": 5.37}, "capabilities": ["pickup", "ship_from_store"]},
}
STOCK = [("CK-TEE", "ck-paris", 3), ("CK-TEE", "ck-lyon", 40), ("CK-MUG", "ck-marseille", 4)]
HOME = {"name": "Alice", "line1": "2 rue de Rivoli", "city": "Paris", "postcode": "75004", "country": "FR", "latitude": 48.857, "longitude": 2.355}


@pytest.fixture(scope="module")
def shop(runtime):
    from omni_client import OmniClient

    client = OmniClient(runtime.state())
    for product in PRODUCTS:
        assert client.operator("POST", "/v1/products", product).status_code == 201
    for location_id, body in SITES.items():
        assert client.operator("PUT", f"/v1/locations/{location_id}", body).status_code == 200
        for channel in ("web", "app"):
            assert client.operator("PUT", f"/v1/channels/{channel}/locations/{location_id}").status_code == 200
    runtime.wait_idle(30)  # SKUs registered by inventory, prices projected by orders
    for n, (sku, location_id, quantity) in enumerate(STOCK):
        receipt = {"source_event_id": f"ck-asn-{n}", "sku": sku, "location_id": location_id, "kind": "receipt", "quantity": quantity}
        assert client.operator("POST", "/v1/adjustments", receipt).status_code == 201
    yield client
    for location_id in SITES:  # the session's runtime is shared: other modules' storefront figures must not list these
        for channel in ("web", "app"):
            client.operator("DELETE", f"/v1/channels/{channel}/locations/{location_id}")
    runtime.wait_idle(30)


def _held(client, sku: str, location_id: str) -> int:
    return next(level["held"] for level in client.operator("GET", f"/v1/stock/{sku}").json() if level["location_id"] == location_id)


def test_journey_a_app_cart_merged_at_sign_in_then_web_checkout_with_pickup_holds_the_stores_stock(runtime, shop, channel_session, shopper_session):
    app = channel_session("app")
    cart_id = app.post("/v1/carts", json={}).json()["cart_id"]
    assert app.put(f"/v1/carts/{cart_id}/lines/CK-TEE", json={"quantity": 2}).status_code == 200
    shopper = f"ck-{uuid.uuid4().hex[:8]}"
    signed_in = shopper_session("app", sub=shopper, email=f"{shopper}@example.com")
    merged = signed_in.post("/v1/cart/merge", json={"cart_id": cart_id})
    assert merged.status_code == 200 and [(line["sku"], line["quantity"]) for line in merged.json()["lines"]] == [("CK-TEE", 2)]
    web = shopper_session("web", sub=shopper, email=f"{shopper}@example.com")
    cart = web.get("/v1/cart", params={"delivery": "pickup", "location_id": "ck-paris"}).json()
    assert cart["lines"] == [{"sku": "CK-TEE", "quantity": 2, "unit_price": 1999, "line_total": 3998, "available": 3}]
    before = _held(shop, "CK-TEE", "ck-paris")
    body = {"lines": [{"sku": "CK-TEE", "quantity": 2, "unit_price": 1999}], "delivery": "pickup", "pickup_location_id": "ck-paris"}
    placed = web.post("/v1/checkout", json=body, headers={"Idempotency-Key": "journey-a"})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["status"], order["delivery"], order["lines"][0]["location_id"]) == ("awaiting_payment", "pickup", "ck-paris")
    assert _held(shop, "CK-TEE", "ck-paris") == before + 2
    assert web.post("/v1/checkout", json=body, headers={"Idempotency-Key": "journey-a"}).json() == order  # a retry: the same order
    shown = web.get(f"/v1/orders/{order['order_id']}")
    assert shown.status_code == 200 and shown.json()["sourcing"]["explanation"] == ["ck-paris: chosen pickup store, 2 of 2 units"]
    assert shopper_session("web", sub="someone-else").get(f"/v1/orders/{order['order_id']}").status_code == 404


def test_journey_b_a_split_shipment_from_a_warehouse_and_a_store_with_its_explanation(runtime, shop, shopper_session):
    shopper = f"ck-{uuid.uuid4().hex[:8]}"
    web = shopper_session("web", sub=shopper, email=f"{shopper}@example.com")
    assert web.put("/v1/cart/lines/CK-TEE", json={"quantity": 5}).status_code == 200  # Paris has 3: the warehouse ships
    assert web.put("/v1/cart/lines/CK-MUG", json={"quantity": 1}).status_code == 200  # only Marseille has mugs
    body = {"lines": [{"sku": "CK-TEE", "quantity": 5, "unit_price": 1999}, {"sku": "CK-MUG", "quantity": 1, "unit_price": 1200}], "delivery": "ship", "address": HOME}
    placed = web.post("/v1/checkout", json=body, headers={"Idempotency-Key": "journey-b"})
    assert placed.status_code == 201, placed.text
    order = web.get(f"/v1/orders/{placed.json()['order_id']}").json()
    assert order["delivery"] == "split"
    assert [(fulfilment["location_id"], fulfilment["lines"]) for fulfilment in order["fulfilments"]] == [("ck-lyon", ["1"]), ("ck-marseille", ["2"])]
    explained = [sentence for sentence in order["sourcing"]["explanation"] if sentence.startswith("ck-")]  # the runtime is shared: other modules' sites too
    assert explained == ["ck-lyon: chosen, 5 of 6 units (392 km)", "ck-marseille: chosen, 1 of 6 units (660 km)", "ck-paris: skipped, no stock"]
    assert order["totals"]["shipping"] == 590 + 300 and order["totals"]["grand_total"] == 5 * 1999 + 1200 + 890
    runtime.wait_idle(30)
    assert eventually(lambda: _held(shop, "CK-MUG", "ck-marseille") >= 1)


def test_a_storefront_key_cannot_hard_hold_over_http(runtime, shop, channel_session):
    web = channel_session("web")
    refused = web.post("/v1/holds", json={"reference": "ck-x", "hold": "hard", "lines": [{"line": "1", "sku": "CK-TEE", "location_id": "ck-lyon", "quantity": 1}]})
    assert (refused.status_code, refused.json()["code"]) == (403, "hard_hold_forbidden")
    assert web.post("/v1/holds/ck-x/commit", json={}).status_code == 403
