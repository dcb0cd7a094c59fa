"""Shopify's webhooks as Shopify sends them (real payload shapes from events/formats/shopify, signed with
the app's secret as Shopify signs: base64 HMAC-SHA256 of the raw body), through API Gateway events, the
inbox's stream (normalizer, outbox) and onto the bus, under moto. Operators map and replay through the API."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from channels.handlers import api
from component.channels.conftest import entry, refusals, settle
from support.triggers import Context, call
from support.webhooks import TEST_SECRETS, shopify_signed, webhook_event

FORMATS = Path(__file__).resolve().parents[3] / "events" / "formats" / "shopify"
ORDER, CANCELLED, REFUND, LEVEL = (json.loads((FORMATS / name).read_text()) for name in ("orders-create.json", "orders-cancelled.json", "refunds-create.json", "inventory-levels-update.json"))
SECRET = TEST_SECRETS["shopify"]


def post(raw: bytes, headers: dict, channel: str = "shopify") -> tuple[int, dict]:
    response = api.handler(webhook_event(channel, raw, headers, door="shopify"), Context())
    return response["statusCode"], json.loads(response["body"])


def send(webhook_id: str, topic: str, body, **options) -> tuple[int, dict]:
    return post(*shopify_signed(SECRET, webhook_id, topic, body, **options))


def operator(method: str, path: str, body=None, **options) -> tuple[int, dict]:
    return call(api.handler, method, path, body, operator=True, **options)


def map_shop(skus=("SHOP-TEE-S", "SHOP-MUG-BLUE")) -> None:
    for channel_sku, sku in {"SHOP-TEE-S": "TEE-S", "SHOP-MUG-BLUE": "MUG-BLUE", "271878346596884015": "TEE-S"}.items():
        if channel_sku in skus:
            outbound = not channel_sku.isdigit()  # an inventory item id is an inbound alias
            assert operator("PUT", f"/v1/channels/shopify/mappings/skus/{channel_sku}", {"sku": sku, "outbound": outbound})[0] == 200
    for channel_location, location in {"default": "wh", "24826418": "paris"}.items():
        assert operator("PUT", f"/v1/channels/shopify/mappings/locations/{channel_location}", {"location_id": location})[0] == 200


def test_an_order_with_unmapped_skus_is_parked_visibly_then_mapped_replayed_and_received_once(channels):
    status, body = send("wh-order-1", "orders/create", ORDER)
    assert (status, body) == (200, {"id": "wh-order-1", "status": "accepted"})
    assert json.loads(entry(channels, "shopify", "wh-order-1")["raw"]) == ORDER  # stored raw, before anything else
    assert settle(channels) == []  # nothing is published for a SKU Omni cannot name
    status, page = operator("GET", "/v1/channels/shopify/inbox", query={"state": "parked"})
    assert status == 200 and [(e["webhook_id"], e["state"], e["reason_field"]) for e in page["entries"]] == [("wh-order-1", "parked", "location_id")]

    map_shop(skus=())  # the locations only: the order's SKUs are still unknown
    assert operator("POST", "/v1/channels/shopify/inbox/replay", {"webhook_ids": ["wh-order-1"]}) == (200, {"replayed": ["wh-order-1"], "missing": []})
    assert settle(channels) == []
    [parked] = operator("GET", "/v1/channels/shopify/inbox", query={"state": "parked"})[1]["entries"]
    assert parked["reason_field"] == "line_items.0.sku" and "SHOP-TEE-S" in parked["reason"]

    map_shop()
    assert operator("POST", "/v1/channels/shopify/inbox/replay", {"webhook_ids": ["wh-order-1", "never-seen"]}) == (200, {"replayed": ["wh-order-1"], "missing": ["never-seen"]})
    [event] = settle(channels)
    assert (event["source"], event["detail-type"]) == ("omni.channels", "ChannelOrderReceived")
    assert event["detail"]["data"] == {
        "channel": "shopify",
        "channel_kind": "marketplace",
        "channel_order_id": "820982911946154508",
        "webhook_id": "wh-order-1",
        "currency": "EUR",
        "lines": [{"sku": "TEE-S", "quantity": 1, "unit_price": 1999, "location_id": "wh"}, {"sku": "MUG-BLUE", "quantity": 1, "unit_price": 1999, "location_id": "wh"}],
        "subtotal": 3998,
        "shipping": 499,
        "tax": 200,
        "grand_total": 4697,
        "customer": {"channel_customer_id": "115310627314723954", "email": "jon@example.com", "phone": None, "name": "John Smith"},
        "fulfilled": False,
        "placed_at": "2026-11-30T19:05:12.000000Z",
    }
    status, detail = operator("GET", "/v1/channels/shopify/inbox/wh-order-1")
    assert [line["state"] for line in detail["history"]] == ["received", "parked", "received", "parked", "received", "processed"]
    assert detail["replays"] == 2 and detail["normalized"][0]["type"] == "ChannelOrderReceived"
    assert operator("GET", "/v1/channels/shopify/inbox", query={"state": "parked"})[1]["entries"] == []


def test_a_cancellation_refund_and_inventory_level_become_omni_events(channels):
    map_shop(skus=("SHOP-TEE-S", "SHOP-MUG-BLUE", "271878346596884015"))
    assert send("wh-cancel-1", "orders/cancelled", CANCELLED)[0] == 200
    assert send("wh-refund-1", "refunds/create", REFUND)[0] == 200
    assert send("wh-level-1", "inventory_levels/update", LEVEL)[0] == 200
    published = {(event["detail-type"], event["detail"]["data"]["webhook_id"]): event["detail"]["data"] for event in settle(channels)}
    assert published[("ChannelOrderCancelled", "wh-cancel-1")] == {"channel": "shopify", "channel_order_id": "820982911946154508", "webhook_id": "wh-cancel-1", "at": "2026-11-30T20:10:00.000000Z"}
    # Only the line restocked as a return goes back on the shelf, at the mapped location; "no_restock" does not.
    assert [key for key in published if key[0] == "StockReceiptPosted"] == [("StockReceiptPosted", "wh-refund-1.0")]
    assert published[("StockReceiptPosted", "wh-refund-1.0")] == {"channel": "shopify", "webhook_id": "wh-refund-1.0", "sku": "TEE-S", "location_id": "paris", "quantity": 1}
    level = published[("StockCountPosted", "wh-level-1")]
    assert (level["sku"], level["location_id"], level["quantity"]) == ("TEE-S", "paris", 6)
    assert level["count_version"] == int(datetime(2026, 12, 1, 15, 15, tzinfo=UTC).timestamp() * 1000)  # updated_at, in ms


def test_a_bad_hmac_a_stale_trigger_an_unknown_channel_or_another_format_is_refused_with_an_audit_row(channels):
    raw, headers = shopify_signed(SECRET, "wh-bad-1", "orders/create", ORDER)
    assert post(raw.replace(b"19.99", b"0.01"), headers)[1]["code"] == "invalid_signature"  # the body changed after signing
    assert post(*shopify_signed("not-the-app-secret", "wh-bad-2", "orders/create", ORDER))[1]["code"] == "invalid_signature"
    assert post(raw, {k: v for k, v in headers.items() if k != "X-Shopify-Hmac-Sha256"})[1]["code"] == "invalid_signature"
    old = datetime.now(UTC) - timedelta(hours=6, minutes=1)
    status, body = send("wh-old-1", "orders/create", ORDER, triggered_at=old)
    assert (status, body["code"]) == (401, "stale_timestamp")
    assert send("wh-recent", "orders/create", ORDER, triggered_at=datetime.now(UTC) - timedelta(hours=5))[0] == 200  # Shopify's retries keep the time
    status, body = post(*shopify_signed(SECRET, "wh-x", "orders/create", ORDER), channel="tiktok")
    assert (status, body["code"]) == (404, "not_found")
    status, body = post(*shopify_signed(TEST_SECRETS["pos"], "wh-y", "orders/create", ORDER), channel="pos")  # pos speaks Omni's format
    assert (status, body["code"]) == (404, "not_found")
    stored = [item for item in channels.items() if item["pk"]["S"].startswith("WEBHOOK#")]
    assert [item["sk"]["S"] for item in stored] == ["wh-recent"]
    assert sorted(row["code"] for row in refusals(channels)) == ["invalid_signature"] * 3 + ["not_found"] * 2 + ["stale_timestamp"]
    assert {row["webhook_id"] for row in refusals(channels) if row["code"] == "stale_timestamp"} == {"wh-old-1"}


def test_a_redelivered_webhook_id_is_200_duplicate_stored_once_and_published_once(channels):
    map_shop()
    assert send("wh-dup-1", "orders/create", ORDER) == (200, {"id": "wh-dup-1", "status": "accepted"})
    assert len(settle(channels)) == 1
    other = {**ORDER, "total_price": "1.00"}
    assert send("wh-dup-1", "orders/create", other) == (200, {"id": "wh-dup-1", "status": "duplicate"})  # Shopify retries anything else
    item = entry(channels, "shopify", "wh-dup-1")
    assert json.loads(item["raw"]) == ORDER and item["duplicates"] == 1 and item["history"][-1]["state"] == "duplicate"
    assert settle(channels) == []


def test_a_body_that_is_not_an_order_fails_visibly_and_publishes_nothing(channels):
    map_shop()
    assert send("wh-broken", "orders/create", {"id": 1, "line_items": []})[0] == 200  # judged later, not at the door
    assert send("wh-topic", "products/update", {"id": 1})[0] == 200
    assert settle(channels) == []
    status, page = operator("GET", "/v1/channels/shopify/inbox", query={"state": "failed"})
    assert sorted(e["webhook_id"] for e in page["entries"]) == ["wh-broken", "wh-topic"]
    assert all(e["reason"] for e in page["entries"])
