"""Inventory handlers through their real triggers (API Gateway, EventBridge, the table stream, the
schedule) under moto. Concurrency is proven on DynamoDB Local in tests/reliability, not here."""

import json
from datetime import timedelta

import pytest

from inventory.handlers import api, catalog_sync, hold_sweeper, location_recompute, outbox, projection
from kernel import clock
from support.triggers import Context, call, eventbridge_event, scheduled_event, stream_event

STORE = {"name": "Paris Rivoli", "kind": "store", "address": {"lines": ["1 rue de Rivoli"], "city": "Paris", "country": "FR"}, "coordinates": {"lat": 48.86, "lon": 2.35}, "capabilities": ["pickup", "ship_from_store"], "daily_capacity": 200}


def product_changed(skus, product_id="tee"):
    detail = {"id": f"evt-{product_id}", "type": "ProductChanged", "version": 1, "source": "omni.catalog", "time": "2026-11-23T10:00:00Z", "correlation_id": "c", "data": {"product_id": product_id, "name": "Tee", "skus": skus, "seq": 1}}
    return eventbridge_event({"Source": "omni.catalog", "DetailType": "ProductChanged", "Detail": json.dumps(detail)})


def deliver(domain):
    """Run what the cloud would run next: the outbox on new stream records, then the projection on
    the events it published (captured from the bus)."""
    result = outbox.handler(stream_event(domain.stream_records(), domain.stream_arn), Context())
    assert result == {"batchItemFailures": []}
    for event in domain.captured(domain.queue):
        projection.handler(event, Context())
    for batch in domain.work("LocationRecompute"):  # a LocationChanged's chunks
        assert location_recompute.handler(batch, Context()) == {"batchItemFailures": []}


@pytest.fixture
def shop(inventory):
    inventory.queue = inventory.capture_bus("omni.inventory")
    catalog_sync.handler(product_changed(["TEE-S", "TEE-M"]), Context())
    assert call(api.handler, "PUT", "/v1/locations/paris", STORE, operator=True)[0] == 200
    assert call(api.handler, "PUT", "/v1/channels/web/locations/paris", operator=True)[0] == 200
    deliver(inventory)
    return inventory


def receipt(source_id, sku="TEE-S", quantity=10, location="paris"):
    return call(api.handler, "POST", "/v1/adjustments", {"source_event_id": source_id, "sku": sku, "location_id": location, "kind": "receipt", "quantity": quantity}, operator=True)


def test_a_receipt_flows_through_stream_bus_and_projection_into_availability(shop):
    assert receipt("asn-1")[0] == 201
    deliver(shop)
    status, body = call(api.handler, "GET", "/v1/availability", channel_key="key-web", query={"sku": ["TEE-S", "TEE-M"], "per_location": "true"})
    assert status == 200
    assert body["items"] == [{"sku": "TEE-S", "available": 10, "locations": {"paris": 10}}, {"sku": "TEE-M", "available": 0, "locations": {"paris": 0}}]
    status, body = call(api.handler, "GET", "/v1/availability", channel_key="key-app", query={"sku": "TEE-S"})
    assert body["items"][0]["available"] == 0  # the app channel is served by no location


def test_catalog_sync_is_idempotent(shop):
    before = shop.items()
    catalog_sync.handler(product_changed(["TEE-S", "TEE-M"]), Context())
    assert shop.items() == before


def test_unknown_sku_or_location_is_404_and_writes_nothing(shop):
    before = shop.items()
    status, body = receipt("asn-x", sku="NOPE")
    assert (status, body["field"]) == (404, "sku")
    status, body = receipt("asn-y", location="nowhere")
    assert (status, body["field"]) == (404, "location_id")
    hold = {"reference": "cart-1", "lines": [{"line": "1", "sku": "NOPE", "location_id": "paris", "quantity": 1}]}
    assert call(api.handler, "POST", "/v1/holds", hold, channel_key="key-web")[0] == 404
    assert call(api.handler, "GET", "/v1/availability", channel_key="key-web", query={"sku": "NOPE"})[0] == 404
    assert shop.items() == before


@pytest.mark.parametrize("quantity", [0, -3, 1.5, "2", None])
def test_bad_quantities_are_422_naming_the_field_and_write_nothing(shop, quantity):
    before = shop.items()
    status, body = call(api.handler, "POST", "/v1/adjustments", {"source_event_id": "bad", "sku": "TEE-S", "location_id": "paris", "kind": "receipt", "quantity": quantity}, operator=True)
    assert status == 422 and body["errors"][0]["field"] == "quantity"
    hold = {"reference": "cart-1", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": quantity}]}
    status, body = call(api.handler, "POST", "/v1/holds", hold, channel_key="key-web")
    assert status == 422 and body["errors"][0]["field"] == "lines.0.quantity"
    assert shop.items() == before


def test_holds_reserve_soft_repeat_idempotently_and_release(shop):
    receipt("asn-1")
    cart = {"reference": "cart-1", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 4}]}
    status, first = call(api.handler, "POST", "/v1/holds", cart, channel_key="key-web")
    assert status == 201 and first["holds"][0]["state"] == "soft"
    assert call(api.handler, "POST", "/v1/holds", cart, channel_key="key-web")[1] == first
    status, body = call(api.handler, "POST", "/v1/holds", {**cart, "reference": "cart-2", "lines": [{**cart["lines"][0], "quantity": 7}]}, channel_key="key-web")
    assert status == 409 and body["code"] == "insufficient_stock" and body["lines"][0]["available"] == 6
    assert call(api.handler, "POST", "/v1/holds/cart-1/release", {}, channel_key="key-web")[1]["holds"][0]["state"] == "released"
    status, levels = call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)
    assert (levels[0]["on_hand"], levels[0]["held"], levels[0]["available_to_promise"]) == (10, 0, 10)
    assert call(api.handler, "POST", "/v1/holds/cart-1/release", {}, channel_key="key-web")[0] == 200  # already released


@pytest.mark.parametrize("channel_key", ["key-web", "key-app", "key-pos"])
def test_a_channel_key_may_not_hard_hold_confirm_or_commit_and_nothing_changes(shop, channel_key):
    """Hard holds come only from checkout, commits only from fulfilment (issue 9: a storefront's key could
    hard-hold and commit, taking units off on hand with no order behind them)."""
    call(api.handler, "PUT", f"/v1/channels/{channel_key.removeprefix('key-')}/locations/paris", operator=True)
    receipt("asn-1")
    cart = {"reference": "cart-1", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 4}]}
    before = shop.items()
    status, body = call(api.handler, "POST", "/v1/holds", {**cart, "hold": "hard"}, channel_key=channel_key)
    assert (status, body["code"], body["field"]) == (403, "hard_hold_forbidden", "hold")
    assert shop.items() == before
    assert call(api.handler, "POST", "/v1/holds", cart, channel_key=channel_key)[0] == 201
    before = shop.items()
    for action in ("confirm", "commit"):
        status, body = call(api.handler, "POST", f"/v1/holds/cart-1/{action}", {}, channel_key=channel_key)
        assert (status, body["code"], body["field"]) == (403, "hold_move_forbidden", "action"), action
        assert shop.items() == before, action
    status, levels = call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)
    assert (levels[0]["on_hand"], levels[0]["held"]) == (10, 4)


def test_a_channel_key_may_not_release_an_orders_hard_holds_and_nothing_changes(shop):
    """An order's holds live in its channel's scope (reference = the order id): the storefront's key could
    release them, leaving an order with no stock behind it."""
    from inventory.logic import for_orders
    from kernel import table

    call(api.handler, "PUT", "/v1/channels/web/locations/paris", operator=True)
    receipt("asn-1")
    stock = for_orders.Stock.read(table.batch_get({for_orders.TABLE: for_orders.keys(["TEE-S"], ["paris"])})[for_orders.TABLE])
    order_line = for_orders.HoldLineIn(line="1", sku="TEE-S", location_id="paris", quantity=3)
    table.transact(for_orders.reserve("web", "order-1", [order_line], stock).operations)  # as checkout holds
    before = shop.items()
    status, body = call(api.handler, "POST", "/v1/holds/order-1/release", {}, channel_key="key-web")
    assert (status, body["code"], body["field"]) == (403, "hold_move_forbidden", "reference")
    assert shop.items() == before


def test_a_marketplace_key_holds_nothing(shop):
    receipt("asn-1")
    cart = {"reference": "cart-1", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 1}]}
    before = shop.items()
    assert call(api.handler, "POST", "/v1/holds", cart, channel_key="key-marketplace")[1]["code"] == "holds_forbidden"
    assert call(api.handler, "POST", "/v1/holds/cart-1/release", {}, channel_key="key-marketplace")[0] == 403
    assert shop.items() == before


def test_two_channels_reusing_one_cart_reference_hold_apart(shop):
    """Hold rows are keyed in the channel's scope: the POS's cart-1 is not the web's cart-1."""
    call(api.handler, "PUT", "/v1/channels/pos/locations/paris", operator=True)
    receipt("asn-1")
    cart = {"reference": "cart-1", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 2}]}
    assert call(api.handler, "POST", "/v1/holds", cart, channel_key="key-web")[0] == 201
    status, body = call(api.handler, "POST", "/v1/holds", cart, channel_key="key-pos")
    assert status == 201 and body["holds"][0]["channel"] == "pos"
    status, levels = call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)
    assert levels[0]["held"] == 4
    assert call(api.handler, "POST", "/v1/holds/cart-1/release", {}, channel_key="key-pos")[0] == 200
    assert call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)[1][0]["held"] == 2


def test_a_channel_cannot_see_or_move_another_channels_holds(shop):
    receipt("asn-1")
    call(api.handler, "PUT", "/v1/channels/app/locations/paris", operator=True)
    cart = {"reference": "cart-1", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 1}]}
    call(api.handler, "POST", "/v1/holds", cart, channel_key="key-web")
    assert call(api.handler, "POST", "/v1/holds/cart-1/release", {}, channel_key="key-app")[0] == 404


def test_the_sweeper_expires_lapsed_soft_holds_on_its_schedule(shop, monkeypatch):
    receipt("asn-1")
    cart = {"reference": "cart-9", "ttl_seconds": 60, "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 3}]}
    call(api.handler, "POST", "/v1/holds", cart, channel_key="key-web")
    assert hold_sweeper.handler(scheduled_event(), Context()) == {"expired": 0}
    later = clock.now() + timedelta(seconds=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert hold_sweeper.handler(scheduled_event(), Context()) == {"expired": 1}
    assert hold_sweeper.handler(scheduled_event(), Context()) == {"expired": 0}
    outbox.handler(stream_event(shop.stream_records(), shop.stream_arn), Context())
    published = [event["detail-type"] for event in shop.captured(shop.queue)]
    assert "HoldExpired" in published
    status, levels = call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)
    assert levels[0]["held"] == 0


def test_store_sales_are_recorded_when_short_and_raise_oversell_but_storefronts_cannot_post_sales(shop):
    call(api.handler, "PUT", "/v1/channels/pos/locations/paris", operator=True)
    receipt("asn-1", quantity=2)
    sale = {"source_event_id": "pos-77", "lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 5}]}
    assert call(api.handler, "POST", "/v1/sales", sale, channel_key="key-web")[0] == 403
    status, body = call(api.handler, "POST", "/v1/sales", sale, channel_key="key-pos")
    assert status == 201 and body[0]["shortfall"] == 3
    assert call(api.handler, "POST", "/v1/sales", sale, channel_key="key-pos")[1] == body  # a replay changes nothing
    outbox.handler(stream_event(shop.stream_records(), shop.stream_arn), Context())
    oversold = [event["detail"]["data"] for event in shop.captured(shop.queue) if event["detail-type"] == "OversellDetected"]
    assert oversold == [{"source_event_id": "pos-77:0", "sku": "TEE-S", "location_id": "paris", "channel": "pos", "quantity": 5, "shortfall": 3}]


def test_safety_stock_and_buffers_lower_what_a_channel_is_promised(shop):
    receipt("asn-1", quantity=10)
    call(api.handler, "PUT", "/v1/stock/TEE-S/locations/paris/safety-stock", {"quantity": 2}, operator=True)
    call(api.handler, "PUT", "/v1/skus/TEE-S/buffers/web", {"quantity": 3}, operator=True)
    deliver(shop)
    status, body = call(api.handler, "GET", "/v1/availability", channel_key="key-web", query={"sku": "TEE-S", "location_id": "paris"})
    assert body["items"] == [{"sku": "TEE-S", "available": 5, "locations": {"paris": 8}}]


def test_closing_a_location_takes_its_stock_out_of_every_channel(shop):
    receipt("asn-1", quantity=7)
    deliver(shop)
    closed = {**STORE, "open": False}
    assert call(api.handler, "PUT", "/v1/locations/paris", closed, operator=True)[1]["open"] is False
    deliver(shop)
    status, body = call(api.handler, "GET", "/v1/availability", channel_key="key-web", query={"sku": "TEE-S"})
    assert body["items"][0]["available"] == 0
    status, listed = call(api.handler, "GET", "/v1/locations", operator=True)
    assert [(location["location_id"], location["channels"]) for location in listed] == [("paris", ["web"])]


def test_a_channel_reserves_only_at_open_locations_that_serve_it(shop):
    receipt("asn-1")
    before = shop.items()
    cart = {"reference": "cart-app", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 1}]}
    status, body = call(api.handler, "POST", "/v1/holds", cart, channel_key="key-app")
    assert (status, body["code"]) == (409, "location_not_serving")
    call(api.handler, "PUT", "/v1/locations/paris", {**STORE, "open": False}, operator=True)
    status, body = call(api.handler, "POST", "/v1/holds", cart, channel_key="key-web")
    assert (status, body["code"], body["detail"]) == (409, "location_not_serving", "location paris is closed")
    assert [item for item in shop.items() if item["pk"]["S"].startswith("HOLD#")] == []
    assert len(before) == len(shop.items())


def adjustment(source_id, kind="receipt", sku="TEE-S", quantity=10, location="paris", **extra):
    body = {"source_event_id": source_id, "sku": sku, "location_id": location, "kind": kind, "quantity": quantity, **extra}
    return call(api.handler, "POST", "/v1/adjustments", body, operator=True)


@pytest.mark.parametrize("change, field", [({"sku": "TEE-M"}, "sku"), ({"quantity": 11}, "quantity"), ({"kind": "damage"}, "kind")])
def test_a_reused_source_event_id_with_other_content_is_409_naming_the_field_and_changes_nothing(shop, change, field):
    assert adjustment("asn-7")[0] == 201
    before = shop.items()
    status, body = adjustment("asn-7", **change)
    assert (status, body["code"], body["field"]) == (409, "idempotency_key_reused", field)
    assert shop.items() == before
    assert adjustment("asn-7")[0] == 201  # the same request again is a replay: the first answer, nothing written
    assert shop.items() == before


def test_a_sale_key_is_the_channels_own_and_a_reused_one_with_other_lines_is_409(shop):
    for channel in ("pos", "marketplace"):
        call(api.handler, "PUT", f"/v1/channels/{channel}/locations/paris", operator=True)
    receipt("asn-1")
    sale = {"source_event_id": "order-1", "lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 2}]}
    assert call(api.handler, "POST", "/v1/sales", sale, channel_key="key-pos")[0] == 201
    assert call(api.handler, "POST", "/v1/sales", sale, channel_key="key-marketplace")[0] == 201  # another channel's order-1
    status, levels = call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)
    assert levels[0]["on_hand"] == 6
    other = {**sale, "lines": [*sale["lines"], {"sku": "TEE-M", "location_id": "paris", "quantity": 1}]}
    status, body = call(api.handler, "POST", "/v1/sales", other, channel_key="key-pos")
    assert (status, body["code"], body["field"]) == (409, "idempotency_key_reused", "lines")
    status, body = call(api.handler, "POST", "/v1/sales", {**sale, "lines": [{**sale["lines"][0], "quantity": 3}]}, channel_key="key-pos")
    assert (status, body["code"], body["field"]) == (409, "idempotency_key_reused", "lines.0.quantity")


def test_a_channel_records_sales_only_at_locations_that_serve_it(shop):
    receipt("asn-1")
    before = shop.items()
    sale = {"source_event_id": "pos-9", "lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 1}]}
    status, body = call(api.handler, "POST", "/v1/sales", sale, channel_key="key-pos")  # paris serves web only
    assert (status, body["code"]) == (403, "location_not_serving")
    assert shop.items() == before


def test_a_retried_transfer_of_every_unit_gets_its_first_answer_not_insufficient_stock(shop):
    call(api.handler, "PUT", "/v1/locations/lyon", STORE, operator=True)
    receipt("asn-1")
    move = {"source_event_id": "tr-1", "sku": "TEE-S", "from_location_id": "paris", "to_location_id": "lyon", "quantity": 10}
    status, first = call(api.handler, "POST", "/v1/transfers", move, operator=True)
    assert status == 201
    assert call(api.handler, "POST", "/v1/transfers", move, operator=True) == (201, first)
    status, body = call(api.handler, "POST", "/v1/transfers", {**move, "to_location_id": "paris", "from_location_id": "lyon"}, operator=True)
    assert (status, body["code"], body["field"]) == (409, "idempotency_key_reused", "from_location_id")


def test_repeating_a_reservation_with_another_quantity_is_409(shop):
    receipt("asn-1")
    cart = {"reference": "cart-1", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 2}]}
    assert call(api.handler, "POST", "/v1/holds", cart, channel_key="key-web")[0] == 201
    status, body = call(api.handler, "POST", "/v1/holds", {**cart, "lines": [{**cart["lines"][0], "quantity": 3}]}, channel_key="key-web")
    assert (status, body["code"], body["field"]) == (409, "idempotency_key_reused", "lines")


def test_an_empty_line_selector_is_422(shop):
    receipt("asn-1")
    call(api.handler, "POST", "/v1/holds", {"reference": "cart-1", "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 1}]}, channel_key="key-web")
    status, body = call(api.handler, "POST", "/v1/holds/cart-1/release", {"lines": []}, channel_key="key-web")
    assert (status, body["errors"][0]["field"]) == (422, "lines")



def test_damage_beyond_the_units_there_is_409_so_a_write_off_cannot_drive_on_hand_below_zero(shop):
    """Damaged units must exist: 10 on hand, 3 already damaged, so at most 7 more can be damaged (held units
    can: damage is news). Accepting 1,000 would let a write-off of 1,000 take on hand to -990."""
    receipt("asn-1")
    assert adjustment("dmg-1", kind="damage", quantity=3)[0] == 201
    before = shop.items()
    status, body = adjustment("dmg-2", kind="damage", quantity=8)
    assert (status, body["code"], body["field"]) == (409, "conflict", "quantity")
    assert shop.items() == before
    assert adjustment("dmg-3", kind="damage", quantity=7)[0] == 201
    assert adjustment("wo-1", kind="write_off", quantity=10)[0] == 201
    status, levels = call(api.handler, "GET", "/v1/stock/TEE-S", operator=True)
    assert (levels[0]["on_hand"], levels[0]["unavailable"]) == (0, 0)
