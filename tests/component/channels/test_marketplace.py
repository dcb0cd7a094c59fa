"""The marketplace order format (events/formats/marketplace.md), signed as a marketplace signs it, and
Omni's own format's returns and counts, through API Gateway events and the inbox's stream, under moto."""

import json
import time
from pathlib import Path

from channels.handlers import api
from component.channels.conftest import entry, refusals, settle
from support.triggers import Context, call
from support.webhooks import TEST_SECRETS, marketplace_signed, signed, webhook_event

FORMATS = Path(__file__).resolve().parents[3] / "events" / "formats"
CREATED, CANCELLED = (json.loads((FORMATS / "marketplace" / name).read_text()) for name in ("order-created.json", "order-cancelled.json"))
SECRET = TEST_SECRETS["bazaar"]


def send(delivery_id: str, body, *, secret: str = SECRET, at: int | None = None) -> tuple[int, dict]:
    raw, headers = marketplace_signed(secret, delivery_id, body, at=at)
    response = api.handler(webhook_event("bazaar", raw, headers, door="marketplace"), Context())
    return response["statusCode"], json.loads(response["body"])


def operator(method: str, path: str, body=None, **options):
    return call(api.handler, method, path, body, operator=True, **options)


def map_bazaar() -> None:
    assert operator("PUT", "/v1/channels/bazaar/mappings/skus/LST-TEE-S", {"sku": "TEE-S"})[0] == 200
    assert operator("PUT", "/v1/channels/bazaar/mappings/locations/BZ-WH-1", {"location_id": "wh"})[0] == 200


def test_a_marketplace_order_and_its_cancellation_become_channel_order_events(channels):
    map_bazaar()
    assert send("bz-1", CREATED) == (200, {"id": "bz-1", "status": "accepted"})
    assert send("bz-2", CANCELLED)[0] == 200
    published = {event["detail-type"]: event["detail"]["data"] for event in settle(channels)}
    order = published["ChannelOrderReceived"]
    assert (order["channel"], order["channel_kind"], order["channel_order_id"], order["webhook_id"]) == ("bazaar", "marketplace", "BZ-100-4471", "bz-1")
    assert order["lines"] == [{"sku": "TEE-S", "quantity": 2, "unit_price": 2199, "location_id": "wh"}]
    assert (order["subtotal"], order["shipping"], order["tax"], order["grand_total"], order["currency"]) == (4398, 0, 0, 4398, "EUR")
    assert order["customer"] == {"channel_customer_id": "buyer-88121", "email": "ana@example.com", "phone": "+33612345678", "name": None}
    assert (order["fulfilled"], order["placed_at"]) == (False, "2026-12-01T08:00:00.000000Z")
    assert published["ChannelOrderCancelled"] == {"channel": "bazaar", "channel_order_id": "BZ-100-4471", "webhook_id": "bz-2", "at": "2026-12-01T09:00:00.000000Z"}


def test_a_bad_signature_a_stale_one_and_a_replayed_delivery_id_change_nothing_but_the_audit(channels):
    map_bazaar()
    assert send("bz-forged", CREATED, secret="not-the-secret")[1]["code"] == "invalid_signature"
    assert send("bz-old", CREATED, at=int(time.time()) - 301)[1]["code"] == "stale_timestamp"
    raw, headers = marketplace_signed(SECRET, "bz-moved", CREATED)
    headers["Marketplace-Delivery-Id"] = "bz-other-id"  # the id is signed: a captured body cannot get a new one
    response = api.handler(webhook_event("bazaar", raw, headers, door="marketplace"), Context())
    assert json.loads(response["body"])["code"] == "invalid_signature"
    assert [row["code"] for row in refusals(channels)].count("invalid_signature") == 2
    assert send("bz-3", CREATED)[0] == 200
    assert send("bz-3", CREATED) == (200, {"id": "bz-3", "status": "duplicate"})
    assert [event["detail-type"] for event in settle(channels)] == ["ChannelOrderReceived"]
    assert entry(channels, "bazaar", "bz-3")["duplicates"] == 1


def test_an_order_whose_total_is_not_its_parts_fails_visibly(channels):
    map_bazaar()
    wrong = {**CREATED, "order": {**CREATED["order"], "total": 1}}
    assert send("bz-wrong", wrong)[0] == 200
    assert settle(channels) == []
    assert entry(channels, "bazaar", "bz-wrong")["state"] == "failed" and "total" in entry(channels, "bazaar", "bz-wrong")["reason"]


def test_omni_format_returns_put_back_the_sellable_units_and_counts_carry_their_version(channels):
    body = json.loads((FORMATS / "omni" / "return.json").read_text())
    raw, headers = signed(TEST_SECRETS["pos"], "pos-ret-1", body)
    assert api.handler(webhook_event("pos", raw, headers), Context())["statusCode"] == 202
    count = json.loads((FORMATS / "omni" / "count.json").read_text())
    raw, headers = signed(TEST_SECRETS["marketplace"], "wms-c-1", count)
    assert api.handler(webhook_event("marketplace", raw, headers), Context())["statusCode"] == 202
    published = {event["detail-type"]: event["detail"]["data"] for event in settle(channels)}
    assert published["StockReceiptPosted"] == {"channel": "pos", "webhook_id": "pos-ret-1.0", "sku": "TEE-ORG-S", "location_id": "paris-rivoli", "quantity": 1}  # 2 back, 1 damaged
    assert published["StockCountPosted"] == {"channel": "marketplace", "webhook_id": "wms-c-1", "sku": "TEE-ORG-S", "location_id": "wh-central", "quantity": 236, "count_version": 1764583200000}


def test_a_return_with_more_damaged_than_returned_is_422_naming_the_field(channels):
    body = {"type": "return", "data": {"lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 1, "damaged": 2}]}}
    raw, headers = signed(TEST_SECRETS["pos"], "pos-ret-bad", body)
    response = api.handler(webhook_event("pos", raw, headers), Context())
    answer = json.loads(response["body"])
    assert response["statusCode"] == 422 and answer["errors"][0]["field"] == "data.lines.0", answer


def test_mappings_are_read_and_changed_without_a_deploy_and_outbound_names_follow_them(channels):
    map_bazaar()
    assert operator("PUT", "/v1/channels/bazaar/mappings/skus/LST-TEE-S-V2", {"sku": "TEE-S"})[0] == 200  # the new listing takes the outbound name
    assert operator("PUT", "/v1/channels/bazaar/mappings/skus/LST-TEE-S", {"sku": "TEE-M"})[0] == 200  # remapped
    status, mappings = operator("GET", "/v1/channels/bazaar/mappings")
    assert status == 200 and {m["channel_sku"]: m["sku"] for m in mappings["skus"]} == {"LST-TEE-S": "TEE-M", "LST-TEE-S-V2": "TEE-S"}
    from channels.dal import registry

    assert (registry.channel_sku_of("bazaar", "TEE-S"), registry.channel_sku_of("bazaar", "TEE-M")) == ("LST-TEE-S-V2", "LST-TEE-S")
    assert operator("DELETE", "/v1/channels/bazaar/mappings/skus/LST-TEE-S")[0] == 200
    assert registry.channel_sku_of("bazaar", "TEE-M") is None and registry.channel_sku_of("bazaar", "TEE-S") == "LST-TEE-S-V2"
    assert operator("DELETE", "/v1/channels/bazaar/mappings/skus/LST-TEE-S")[0] == 404
    assert operator("PUT", "/v1/channels/bazaar/mappings/skus/LST-MUG", {"sku": "MUG"})[0] == 200
    assert operator("PUT", "/v1/channels/bazaar/mappings/skus/LST-MUG", {"sku": "MUG-BLUE"})[0] == 200  # remapped: MUG goes out under no name now
    assert (registry.channel_sku_of("bazaar", "MUG"), registry.channel_sku_of("bazaar", "MUG-BLUE")) == (None, "LST-MUG")
    assert operator("GET", "/v1/channels/tiktok/mappings")[0] == 404
    status, listed = operator("GET", "/v1/channels")
    assert {(c["id"], c["type"], c["format"]) for c in listed} >= {("bazaar", "marketplace", "marketplace"), ("shopify", "marketplace", "shopify"), ("pos", "pos", "omni")}
