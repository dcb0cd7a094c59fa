"""The whole journey through every domain at once, over HTTP on the local runtime, with nothing put on the bus
by the test: an app cart, a web checkout for pickup (orders + inventory in one transaction), a card payment
through the real Stripe SDK and the local stand-in confirmed by its signed webhook (payments), store staff
picking and handing over with the pickup code (orders, committing the stock), the capture at collection."""

from __future__ import annotations

import uuid

import pytest

from support.payments import settle
from support.waiting import eventually

SKU = "JRN-TEE"
STORE = "paris-rivoli"  # one of the POS key's stores (cdk.json)
SITE = {"name": "Paris Rivoli", "kind": "store", "address": {"lines": ["1 Rue de Rivoli"], "city": "Paris", "country": "FR"}, "capabilities": ["pickup", "ship_from_store"]}
PRODUCT = {"product_id": "jrn-tee", "name": "Journey tee", "skus": [{"sku": SKU, "prices": [{"channel": c, "currency": "EUR", "amount": 2500} for c in ("web", "app")]}]}


@pytest.fixture(scope="module")
def shop(runtime):
    from omni_client import OmniClient

    client = OmniClient(runtime.state())
    assert client.operator("POST", "/v1/products", PRODUCT).status_code in (201, 409)
    assert client.operator("PUT", f"/v1/locations/{STORE}", SITE).status_code == 200
    for channel in ("web", "app", "pos"):
        assert client.operator("PUT", f"/v1/channels/{channel}/locations/{STORE}").status_code == 200
    runtime.wait_idle(30)  # inventory registers the SKU, orders projects its prices
    receipt = {"source_event_id": f"jrn-{uuid.uuid4().hex[:8]}", "sku": SKU, "location_id": STORE, "kind": "receipt", "quantity": 10}
    assert client.operator("POST", "/v1/adjustments", receipt).status_code == 201
    runtime.wait_idle(30)
    yield client
    for channel in ("web", "app"):  # other modules list the storefronts' locations: leave them as found
        client.operator("DELETE", f"/v1/channels/{channel}/locations/{STORE}")
    runtime.wait_idle(30)


def _stock(client) -> dict:
    level = next(level for level in client.operator("GET", f"/v1/stock/{SKU}").json() if level["location_id"] == STORE)
    return {"on_hand": level["on_hand"], "held": level["held"]}


def test_app_cart_web_checkout_card_payment_pickup_and_capture_without_a_hand_made_event(runtime, shop, channel_session, shopper_session):
    shopper = f"jrn-{uuid.uuid4().hex[:8]}"
    app = shopper_session("app", sub=shopper, email=f"{shopper}@example.com")
    assert app.put(f"/v1/cart/lines/{SKU}", json={"quantity": 2}).status_code == 200
    before = _stock(shop)

    web = shopper_session("web", sub=shopper, email=f"{shopper}@example.com")  # the same cart on another channel
    body = {"lines": [{"sku": SKU, "quantity": 2, "unit_price": 2500}], "delivery": "pickup", "pickup_location_id": STORE}
    placed = web.post("/v1/checkout", json=body, headers={"Idempotency-Key": f"jrn-{shopper}"})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["status"], order["totals"]["grand_total"]) == ("awaiting_payment", 5000)
    assert _stock(shop) == {"on_hand": before["on_hand"], "held": before["held"] + 2}
    runtime.wait_idle(30)  # payments learns the order from OrderPlaced

    started = web.post(f"/v1/payments/{order['order_id']}/card", json={"currency": "EUR"})
    assert started.status_code == 201, started.text
    runtime.stripe.confirm(started.json()["payment_intent_id"])  # the shopper's device, through Stripe.js
    settle(runtime)  # the signed webhook → the ledger → OrderPaid → orders: paid, then allocated
    assert eventually(lambda: web.get(f"/v1/orders/{order['order_id']}").json()["status"] == "allocated")

    pos = channel_session("pos")
    steps = f"/v1/stores/{STORE}/orders/{order['order_id']}/fulfilments/F1"
    assert pos.post(f"{steps}/steps/picked").json()["status"] == "picking"
    assert _stock(shop) == {"on_hand": before["on_hand"] - 2, "held": before["held"]}  # the units left the shelf
    assert pos.post(f"{steps}/steps/ready").json()["status"] == "ready_for_pickup"
    code = web.get(f"/v1/orders/{order['order_id']}").json()["fulfilments"][0]["pickup_code"]
    assert pos.post(f"{steps}/collection", json={"code": code}).json()["status"] == "collected"

    settle(runtime)  # OrderStatusChanged collected → payments captures through Stripe
    payment = web.get(f"/v1/payments/{order['order_id']}").json()
    assert (payment["state"], payment["captured"], payment["balance_due"]) == ("captured", 5000, 0)
    timeline = [entry["status"] for entry in web.get(f"/v1/orders/{order['order_id']}").json()["timeline"] if entry["kind"] == "status"]
    assert timeline[-5:] == ["paid", "allocated", "picking", "ready_for_pickup", "collected"]
