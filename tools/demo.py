"""Demo data for `make dev`, written through the public API as an operator would: stores, a
warehouse and a dark store, the four channels' locations, products with channel prices, stock; and
payments: alice's web order paid by card (the Stripe stand-in confirms it as her device would), bob's
order awaiting payment, and a gift card (its code printed once)."""

from __future__ import annotations

import time

from omni_client import OmniClient

ADDRESS = {"lines": ["1 Demo Street"], "country": "FR"}
LOCATIONS = {
    "paris-rivoli": (
        {"name": "Paris Rivoli", "kind": "store", "capabilities": ["pickup", "ship_from_store"], "daily_capacity": 150, "coordinates": {"lat": 48.8606, "lon": 2.3376}},
        "Paris",
        ["web", "app", "pos"],
    ),
    "lyon-bellecour": ({"name": "Lyon Bellecour", "kind": "store", "capabilities": ["pickup"], "daily_capacity": 80, "coordinates": {"lat": 45.7578, "lon": 4.832}}, "Lyon", ["web", "app", "pos"]),
    "wh-central": ({"name": "Central warehouse", "kind": "warehouse", "capabilities": ["ship"], "daily_capacity": 5000}, "Orléans", ["web", "app", "marketplace", "shopify", "bazaar"]),
    "dark-paris-11": ({"name": "Dark store Paris 11", "kind": "dark_store", "capabilities": ["ship"], "daily_capacity": 600}, "Paris", ["app"]),
}
PRODUCTS = [
    ("tee-organic", "Organic cotton tee", {"TEE-ORG-S": 1999, "TEE-ORG-M": 1999, "TEE-ORG-L": 2199}),
    ("mug-stoneware", "Stoneware mug", {"MUG-STONE-BLUE": 1450, "MUG-STONE-SAND": 1450}),
    ("sneaker-runner", "Runner sneaker (limited drop)", {"SNK-RUN-42": 12900}),
]
STOCK = {
    "TEE-ORG-S": {"paris-rivoli": 12, "lyon-bellecour": 6, "wh-central": 240},
    "TEE-ORG-M": {"paris-rivoli": 3, "wh-central": 180, "dark-paris-11": 20},
    "TEE-ORG-L": {"wh-central": 90},
    "MUG-STONE-BLUE": {"paris-rivoli": 25, "wh-central": 400},
    "MUG-STONE-SAND": {"lyon-bellecour": 2},
    "SNK-RUN-42": {"wh-central": 100},
}
SHOPPERS = ["alice", "bob"]
# What the Shopify shop and the marketplace call things (events/formats): their orders ship from the warehouse.
CHANNEL_MAPPINGS = {
    "shopify": {"skus": {"SHOP-TEE-S": "TEE-ORG-S", "SHOP-MUG-BLUE": "MUG-STONE-BLUE"}, "locations": {"default": "wh-central", "24826418": "wh-central"}},
    "bazaar": {"skus": {"LST-TEE-S": "TEE-ORG-S"}, "locations": {"default": "wh-central", "BZ-WH-1": "wh-central"}},
}


def _ok(response, what: str):
    if response.status_code >= 300:
        raise RuntimeError(f"demo seed: {what} failed: {response.status_code} {response.text}")
    return response


def _shopper(client: OmniClient, runtime, shopper: str, method: str, path: str, body=None, **headers):
    token = runtime.mint_token(shopper, f"{shopper}@example.com")
    headers = {"x-api-key": client.state["channel_keys"]["web"], "Authorization": token, "Content-Type": "application/json", **headers}
    return client.http.request(method, client.api_url + path, json=body, headers=headers, timeout=30)


def seed_payments(client: OmniClient, runtime) -> dict:
    """A paid order (alice, card), an order awaiting payment (bob) and a gift card; their ids."""
    orders = {}
    for shopper in SHOPPERS:
        _ok(_shopper(client, runtime, shopper, "PUT", "/v1/cart/lines/TEE-ORG-S", {"quantity": 1}), f"{shopper}'s cart")
        body = {"lines": [{"sku": "TEE-ORG-S", "quantity": 1, "unit_price": 1999}], "delivery": "pickup", "pickup_location_id": "paris-rivoli"}
        orders[shopper] = _ok(_shopper(client, runtime, shopper, "POST", "/v1/checkout", body, **{"Idempotency-Key": f"demo-{shopper}"}), f"{shopper}'s order").json()["order_id"]
    runtime.wait_idle(30)  # payments learns the orders from OrderPlaced
    for _ in range(50):
        started = _shopper(client, runtime, "alice", "POST", f"/v1/payments/{orders['alice']}/card", {"currency": "EUR"})
        if started.status_code != 404:
            break
        time.sleep(0.1)
    intent = _ok(started, "alice's card payment").json()["payment_intent_id"]
    if runtime.stripe is not None:
        runtime.stripe.confirm(intent)  # alice's device, through Stripe.js
        runtime.stripe.wait_delivered(10)
    runtime.wait_idle(30)
    card = _ok(client.operator("POST", "/v1/gift-cards", {"kind": "gift_card", "amount": 5000, "currency": "EUR", "reference": "demo-gift-card"}), "gift card")
    return {"orders": orders, "gift_card": card.json() if card.status_code == 201 else None}


def seed(runtime) -> dict:
    client = OmniClient(runtime.state())
    for location_id, (fields, city, channels) in LOCATIONS.items():
        _ok(client.operator("PUT", f"/v1/locations/{location_id}", {**fields, "address": {**ADDRESS, "city": city}}), location_id)
        for channel in channels:
            _ok(client.operator("PUT", f"/v1/channels/{channel}/locations/{location_id}"), f"{channel} ← {location_id}")
    for product_id, name, skus in PRODUCTS:
        body = {
            "product_id": product_id,
            "name": name,
            "skus": [
                {"sku": sku, "prices": [{"channel": channel, "currency": "EUR", "amount": price + (200 if channel == "marketplace" else 0)} for channel in ("web", "app", "pos", "marketplace")]}
                for sku, price in skus.items()
            ],
        }
        _ok(client.operator("POST", "/v1/products", body), product_id)
    runtime.wait_idle(30)  # inventory learns the SKUs from the catalog's events
    for sku, places in STOCK.items():
        for location_id, units in places.items():
            body = {"source_event_id": f"demo-{sku}-{location_id}", "sku": sku, "location_id": location_id, "kind": "receipt", "quantity": units}
            for _ in range(50):
                response = client.operator("POST", "/v1/adjustments", body)
                if response.status_code != 404:
                    break
                time.sleep(0.1)
            _ok(response, f"stock {sku}@{location_id}")
    _ok(client.operator("PUT", "/v1/stock/TEE-ORG-S/locations/paris-rivoli/safety-stock", {"quantity": 2}), "safety stock")
    _ok(client.operator("PUT", "/v1/skus/MUG-STONE-BLUE/buffers/marketplace", {"quantity": 50}), "buffer")
    _ok(client.operator("PUT", "/v1/skus/SNK-RUN-42/sharding", {"shards": 4}), "hot SKU")
    for channel, names in CHANNEL_MAPPINGS.items():
        for channel_sku, sku in names["skus"].items():
            _ok(client.operator("PUT", f"/v1/channels/{channel}/mappings/skus/{channel_sku}", {"sku": sku}), f"{channel} SKU {channel_sku}")
        for channel_location, location_id in names["locations"].items():
            _ok(client.operator("PUT", f"/v1/channels/{channel}/mappings/locations/{channel_location}", {"location_id": location_id}), f"{channel} location {channel_location}")
    runtime.wait_idle(30)
    paid = seed_payments(client, runtime)
    print("\nDemo data: 4 locations, 3 products / 6 SKUs, stock in every location. Shopper tokens (1 h):")
    for shopper in SHOPPERS:
        print(f"  {shopper}: {runtime.mint_token(shopper, f'{shopper}@example.com')}")
    web_key = client.state["channel_keys"]["web"]
    print(f"\nTry:  curl -H 'x-api-key: {web_key}' '{client.api_url}/v1/availability?sku=TEE-ORG-S&sku=SNK-RUN-42&per_location=true'")
    print(f"Payments: alice's order {paid['orders']['alice']} is paid by card, bob's {paid['orders']['bob']} awaits payment")
    print(f"  (GET /v1/payments/<order id> with the shopper's token); gift card: {(paid['gift_card'] or {}).get('code', 'issued before')}\n")
    return paid
