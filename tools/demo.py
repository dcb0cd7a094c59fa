"""Demo data for `make dev`, written through the public API as an operator would: stores, a
warehouse and a dark store, the four channels' locations, products with channel prices, stock."""

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


def seed(runtime) -> None:
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
    print("\nDemo data: 4 locations, 3 products / 6 SKUs, stock in every location. Shopper tokens (1 h):")
    for shopper in SHOPPERS:
        print(f"  {shopper}: {runtime.mint_token(shopper, f'{shopper}@example.com')}")
    web_key = client.state["channel_keys"]["web"]
    print(f"\nTry:  curl -H 'x-api-key: {web_key}' '{client.api_url}/v1/availability?sku=TEE-ORG-S&sku=SNK-RUN-42&per_location=true'\n")
