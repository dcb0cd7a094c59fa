"""Shopify on the local runtime, over HTTP and through every real hop (API Gateway, the inbox's stream,
the normalizer and the outbox, EventBridge, inventory, and back out through the outbound queue): an
order reaches the bus as ChannelOrderReceived; inventory levels delivered out of order end at the
newest; the availability they cause is pushed, signed, to the channel's receiver."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from support.bus import tapped
from support.receiver import receiver
from support.waiting import eventually

FORMATS = Path(__file__).resolve().parents[2] / "events" / "formats" / "shopify"
PRODUCT = {"product_id": "e2e-shop-tee", "name": "Shop tee", "skus": [{"sku": "E2E-SHOP-S", "prices": [{"channel": "shopify", "currency": "EUR", "amount": 1999}]}]}
STORE = {"name": "Shop store", "kind": "store", "address": {"lines": ["3 Test Street"], "city": "Nantes", "country": "FR"}}
ITEM, SHOP_LOCATION = 271878346596884015, 24826418


@pytest.fixture(scope="module")
def shop(runtime):
    """A SKU stocked at a store that serves the shopify channel, mapped to the shop's names."""
    from omni_client import OmniClient

    client = OmniClient(runtime.state())
    assert client.operator("POST", "/v1/products", PRODUCT).status_code == 201
    assert client.operator("PUT", "/v1/locations/e2e-shop-store", STORE).status_code == 200
    assert client.operator("PUT", "/v1/channels/shopify/locations/e2e-shop-store").status_code == 200
    for path, body in [
        (f"/v1/channels/shopify/mappings/skus/{ITEM}", {"sku": "E2E-SHOP-S", "outbound": False}),
        ("/v1/channels/shopify/mappings/skus/SHOP-TEE-S", {"sku": "E2E-SHOP-S"}),
        ("/v1/channels/shopify/mappings/skus/SHOP-MUG-BLUE", {"sku": "E2E-SHOP-S"}),
        (f"/v1/channels/shopify/mappings/locations/{SHOP_LOCATION}", {"location_id": "e2e-shop-store"}),
        ("/v1/channels/shopify/mappings/locations/default", {"location_id": "e2e-shop-store"}),
    ]:
        assert client.operator("PUT", path, body).status_code == 200, path
    runtime.wait_idle(30)  # inventory learns the SKU from the catalog's event
    return client


@pytest.fixture
def channel_events(runtime):
    """Every ChannelOrderReceived put on the omni bus from now on (a moto rule into a moto queue)."""
    with tapped(runtime, "e2e-channel-orders", "omni.channels", "ChannelOrderReceived") as received:
        yield received


def on_hand(client) -> int:
    return sum(level["on_hand"] for level in client.operator("GET", "/v1/stock/E2E-SHOP-S").json())


def level(available: int, updated_at: str) -> dict:
    return {**json.loads((FORMATS / "inventory-levels-update.json").read_text()), "available": available, "updated_at": updated_at}


def test_an_order_reaches_the_bus_as_channel_order_received(runtime, shop, channel_events):
    order = json.loads((FORMATS / "orders-create.json").read_text())
    response = shop.shopify_webhook("shopify", "orders/create", order, webhook_id="e2e-shop-order-1")
    assert response.status_code == 200 and response.json() == {"id": "e2e-shop-order-1", "status": "accepted"}, response.text
    runtime.wait_idle(30)
    found = eventually(lambda: [event for event in channel_events() if event["webhook_id"] == "e2e-shop-order-1"])
    assert found and (found[0]["channel_order_id"], found[0]["grand_total"], [line["sku"] for line in found[0]["lines"]]) == ("820982911946154508", 4697, ["E2E-SHOP-S", "E2E-SHOP-S"])


def test_inventory_levels_out_of_order_end_at_the_newest_and_the_availability_is_pushed_to_the_channel(runtime, shop):
    with receiver() as server:
        subscription = {"events": ["availability"], "url": server.url, "rate_per_second": 50, "coalesce_seconds": 1}
        assert shop.operator("PUT", "/v1/channels/shopify/subscription", subscription).status_code == 200
        for webhook_id, available, updated_at in [("e2e-lvl-2", 30, "2026-12-01T10:20:00-05:00"), ("e2e-lvl-3", 25, "2026-12-01T10:30:00-05:00"), ("e2e-lvl-1", 99, "2026-12-01T10:10:00-05:00")]:
            assert shop.shopify_webhook("shopify", "inventory_levels/update", level(available, updated_at), webhook_id=webhook_id).status_code == 200
            runtime.wait_idle(30)  # one after the other, so the oldest really arrives last
        assert eventually(lambda: on_hand(shop) == 25)
        time.sleep(2.5)  # a coalescing window and a send
        runtime.wait_idle(30)
        assert eventually(lambda: server.accepted and server.accepted[-1]["available"] == 25, timeout=20), server.received
        last = server.accepted[-1]
        assert (last["type"], last["channel"], last["sku"], last["channel_sku"]) == ("availability", "shopify", "E2E-SHOP-S", "SHOP-MUG-BLUE")
        assert shop.operator("DELETE", "/v1/channels/shopify/subscription").status_code == 200


def test_parked_marketplace_orders_are_listed_and_replayed_in_bulk_by_the_cli(runtime, shop):
    import omni_channels

    order = json.loads((FORMATS.parent / "marketplace" / "order-created.json").read_text())
    for n in range(3):
        body = {**order, "order": {**order["order"], "id": f"E2E-BZ-{n}", "items": [{"listing_sku": "E2E-LISTING", "quantity": 1, "unit_price": 100}], "total": 100}}
        assert shop.marketplace_webhook("bazaar", body, delivery_id=f"e2e-bz-{n}").status_code == 200
    runtime.wait_idle(30)
    parked = lambda: {entry["webhook_id"] for entry in omni_channels.entries(shop, "bazaar", "parked")}  # noqa: E731
    assert eventually(lambda: {"e2e-bz-0", "e2e-bz-1", "e2e-bz-2"} <= parked())
    assert shop.operator("PUT", "/v1/channels/bazaar/mappings/skus/E2E-LISTING", {"sku": "E2E-SHOP-S"}).status_code == 200
    assert shop.operator("PUT", "/v1/channels/bazaar/mappings/locations/BZ-WH-1", {"location_id": "e2e-shop-store"}).status_code == 200
    assert omni_channels.replay(shop, "bazaar", [], "parked") == 0
    runtime.wait_idle(30)
    processed = lambda: {entry["webhook_id"] for entry in omni_channels.entries(shop, "bazaar", "processed")}  # noqa: E731
    assert eventually(lambda: {"e2e-bz-0", "e2e-bz-1", "e2e-bz-2"} <= processed()) and parked() == set()
