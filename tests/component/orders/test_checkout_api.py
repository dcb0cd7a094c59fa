"""Carts and checkout through the orders API handler (API Gateway events) under moto, with inventory's
table beside orders' own. Concurrency is proven on DynamoDB Local (tests/reliability/orders)."""

import json

import boto3
import pytest
from moto import mock_aws

from inventory.logic import for_orders
from kernel import table
from kernel.outbox import Change
from orders.dal import keys
from orders.handlers import api, price_sync
from orders.logic.events import events_from_change
from stack_tables import create_domain_table
from support.checkout import NEAR_PARIS, product, shop_environment, site
from support.triggers import Context, call, eventbridge_event

ALICE = {"channel_key": "key-web", "customer": "alice"}


@pytest.fixture
def shop(cdk_out, fresh_table_name):
    with mock_aws():
        client = boto3.client("dynamodb")
        create_domain_table(client, cdk_out, "orders", f"{fresh_table_name}-o")
        create_domain_table(client, cdk_out, "inventory", f"{fresh_table_name}-i")
        with shop_environment(f"{fresh_table_name}-o", f"{fresh_table_name}-i"):
            for location_id in ("paris-rivoli", "wh-lyon", "marseille"):
                site(location_id)
            product("TEE-S", 1999, {"paris-rivoli": 3, "wh-lyon": 50})
            product("MUG", 1200, {"marseille": 5})

            def items():
                return sorted(json.dumps(item, sort_keys=True) for name in (f"{fresh_table_name}-o", f"{fresh_table_name}-i") for item in client.scan(TableName=name)["Items"])

            yield items


def _add(sku, quantity, who=ALICE):
    return call(api.handler, "PUT", f"/v1/cart/lines/{sku}", {"quantity": quantity}, **who)


def _checkout(body, key="k-1", who=ALICE):
    return call(api.handler, "POST", "/v1/checkout", body, headers={"Idempotency-Key": key}, **who)


PICKUP = {"lines": [{"sku": "TEE-S", "quantity": 2, "unit_price": 1999}], "delivery": "pickup", "pickup_location_id": "paris-rivoli"}


def test_a_pickup_checkout_places_the_order_awaiting_payment_with_its_stock_hard_held_at_the_store(shop):
    assert _add("TEE-S", 2)[0] == 200
    status, cart = call(api.handler, "GET", "/v1/cart", query={"delivery": "pickup", "location_id": "paris-rivoli"}, **ALICE)
    assert status == 200 and cart["lines"] == [{"sku": "TEE-S", "quantity": 2, "unit_price": 1999, "line_total": 3998, "available": 3}]
    status, order = _checkout(PICKUP)
    assert status == 201, order
    assert (order["status"], order["delivery"], order["payment"], order["pickup_location_id"]) == ("awaiting_payment", "pickup", "online", "paris-rivoli")
    assert order["totals"] == {"currency": "EUR", "subtotal": 3998, "shipping": 0, "tax": 666, "grand_total": 3998, "tax_inclusive": True}
    assert order["number"].startswith("W-") and order["pay_by"] > order["placed_at"]
    assert order["sourcing"]["explanation"] == ["paris-rivoli: chosen pickup store, 2 of 2 units"]
    [hold] = for_orders.holds_of("web", order["order_id"])
    assert (hold.location_id, hold.quantity, hold.state.value) == ("paris-rivoli", 2, "hard")
    assert call(api.handler, "GET", "/v1/cart", **ALICE)[1]["lines"] == []
    assert call(api.handler, "GET", f"/v1/orders/{order['order_id']}", **ALICE)[1]["number"] == order["number"]


def test_a_replay_returns_the_same_order_and_the_same_key_with_another_body_is_409(shop):
    _add("TEE-S", 2)
    first = _checkout(PICKUP)
    assert first[0] == 201
    written = shop()
    assert _checkout(PICKUP) == first  # the same order, nothing written again
    assert shop() == written
    status, body = _checkout({**PICKUP, "payment": "in_store"})
    assert (status, body["code"], body["field"]) == (409, "idempotency_key_reused", "idempotency-key")
    status, body = _checkout(PICKUP, who={"channel_key": "key-web", "customer": "bob"})  # bob's key is bob's own
    assert (status, body["errors"][0]["type"]) == (422, "empty_cart")


def test_bad_input_is_4xx_naming_the_problem_and_writes_nothing(shop):
    _add("TEE-S", 2)
    before = shop()
    cases = [
        (_add("NOPE", 1), 404, "sku"),
        (_add("TEE-S", 0), 422, "quantity"),
        (_add("TEE-S", 10**6), 422, "quantity"),
        (_checkout({**PICKUP, "lines": []}), 422, "lines"),
        (_checkout({**PICKUP, "lines": [{"sku": "TEE-S", "quantity": 0, "unit_price": 1999}]}), 422, "lines.0.quantity"),
        (_checkout({**PICKUP, "lines": [{"sku": "TEE-S", "quantity": 3, "unit_price": 1999}]}), 409, "lines"),  # not the cart
        (_checkout({**PICKUP, "lines": [{"sku": "TEE-S", "quantity": 2, "unit_price": 1500}]}), 409, "lines"),  # price changed
        (_checkout({**PICKUP, "pickup_location_id": "nowhere"}), 404, "pickup_location_id"),
        (_checkout({**PICKUP, "pickup_location_id": "wh-lyon"}), 422, "pickup_location_id"),
        (_checkout({**PICKUP, "total": 1}), 422, "total"),
        (_checkout({**PICKUP, "delivery": "ship"}), 422, "body"),
        (call(api.handler, "POST", "/v1/checkout", PICKUP, **ALICE), 422, "idempotency-key"),
    ]
    for (status, body), expected, field in cases:
        named = body.get("field") or (body.get("errors") or [{}])[0].get("field")
        assert (status, named) == (expected, field), body
    assert shop() == before
    status, body = _checkout({**PICKUP, "lines": [{"sku": "TEE-S", "quantity": 2, "unit_price": 1500}]})
    assert (body["code"], body["lines"]) == ("price_changed", [{"sku": "TEE-S", "confirmed": 1500, "unit_price": 1999}])
    call(api.handler, "DELETE", "/v1/cart/lines/TEE-S", **ALICE)
    status, body = _checkout(PICKUP, key="k-2")
    assert (status, body["errors"][0]["type"]) == (422, "empty_cart")


def test_a_split_shipment_from_a_warehouse_and_a_store_stores_its_explanation(shop):
    _add("TEE-S", 5)  # more than Paris has: the warehouse ships it
    _add("MUG", 1)  # only Marseille has mugs
    shown = call(api.handler, "GET", "/v1/cart", query={"delivery": "ship"}, **ALICE)[1]["lines"]
    assert [(line["sku"], line["available"]) for line in shown] == [("TEE-S", 53), ("MUG", 5)]  # every location that ships
    body = {"lines": [{"sku": "TEE-S", "quantity": 5, "unit_price": 1999}, {"sku": "MUG", "quantity": 1, "unit_price": 1200}], "delivery": "ship", "address": NEAR_PARIS}
    status, order = _checkout(body)
    assert status == 201, order
    assert order["delivery"] == "split" and [(f["location_id"], f["lines"]) for f in order["fulfilments"]] == [("wh-lyon", ["1"]), ("marseille", ["2"])]
    assert order["totals"]["shipping"] == 590 + 300
    explanation = order["sourcing"]["explanation"]
    assert explanation[0].startswith("wh-lyon: chosen, 5 of 6 units (39") and explanation[1].startswith("marseille: chosen, 1 of 6 units (66")
    assert explanation[2] == "paris-rivoli: skipped, no stock"
    assert {(hold.location_id, hold.sku) for hold in for_orders.holds_of("web", order["order_id"])} == {("wh-lyon", "TEE-S"), ("marseille", "MUG")}
    [placed] = events_from_change(Change("INSERT", None, table.get(keys.order(order["order_id"]))))  # what the outbox publishes
    assert (placed.delivery, placed.grand_total, placed.payment, placed.pay_by) == ("split", 5 * 1999 + 1200 + 890, "online", order["pay_by"])
    assert [(line.sku, line.location_id) for line in placed.lines] == [("TEE-S", "wh-lyon"), ("MUG", "marseille")]


def test_ship_from_the_nearest_store_that_has_it_all(shop):
    _add("TEE-S", 1)
    body = {"lines": [{"sku": "TEE-S", "quantity": 1, "unit_price": 1999}], "delivery": "ship", "address": NEAR_PARIS}
    status, order = _checkout(body)
    assert (status, order["delivery"], order["lines"][0]["location_id"]) == (201, "ship_from_store", "paris-rivoli")
    assert order["sourcing"]["explanation"][1:] == ["marseille: skipped, no stock", "wh-lyon: skipped, 392 km"]  # farther


def test_buy_online_pay_in_store_has_no_payment_deadline(shop):
    _add("TEE-S", 1)
    status, order = _checkout({**PICKUP, "lines": [{"sku": "TEE-S", "quantity": 1, "unit_price": 1999}], "payment": "in_store"})
    assert (status, order["payment"], order["pay_by"], order["status"]) == (201, "in_store", None, "awaiting_payment")


def test_an_anonymous_cart_merges_into_the_shoppers_once_with_quantities_added_and_capped(shop):
    status, created = call(api.handler, "POST", "/v1/carts", channel_key="key-app")
    cart_id = created["cart_id"]
    assert status == 201 and len(cart_id) == 32
    assert call(api.handler, "PUT", f"/v1/carts/{cart_id}/lines/TEE-S", {"quantity": 60}, channel_key="key-app")[0] == 200
    assert call(api.handler, "PUT", f"/v1/carts/{cart_id}/lines/MUG", {"quantity": 1}, channel_key="key-app")[0] == 200
    assert call(api.handler, "GET", f"/v1/carts/{cart_id}", channel_key="key-web")[0] == 404  # another channel's cart
    _add("TEE-S", 50, who={"channel_key": "key-app", "customer": "alice"})
    status, merged = call(api.handler, "POST", "/v1/cart/merge", {"cart_id": cart_id}, channel_key="key-app", customer="alice")
    assert status == 200 and [(line["sku"], line["quantity"]) for line in merged["lines"]] == [("TEE-S", 99), ("MUG", 1)]
    again = call(api.handler, "POST", "/v1/cart/merge", {"cart_id": cart_id}, channel_key="key-app", customer="alice")
    assert again[1]["lines"] == merged["lines"]  # a retried sign-in merges nothing twice
    assert call(api.handler, "POST", "/v1/cart/merge", {"cart_id": cart_id}, channel_key="key-app", customer="bob")[0] == 404
    status, web = call(api.handler, "GET", "/v1/cart", **ALICE)  # the same cart on the web, priced by the web
    assert [(line["sku"], line["quantity"], line["unit_price"]) for line in web["lines"]] == [("TEE-S", 99, 1999), ("MUG", 1, 1200)]


def test_the_price_projection_keeps_the_highest_seq(shop):
    def changed(amount, seq, event_id):
        detail = {
            "id": event_id,
            "type": "PriceChanged",
            "version": 1,
            "source": "omni.catalog",
            "time": "2026-11-23T10:00:00Z",
            "correlation_id": "c",
            "data": {"sku": "TEE-S", "product_id": "tee", "channel": "web", "currency": "EUR", "amount": amount, "previous_amount": None, "seq": seq},
        }
        price_sync.handler(eventbridge_event({"Source": "omni.catalog", "DetailType": "PriceChanged", "Detail": json.dumps(detail)}, event_id), Context())

    changed(2499, 5, "e5")
    changed(2499, 5, "e5")  # repeated
    changed(999, 3, "e3")  # older, arriving late
    _add("TEE-S", 1)
    assert call(api.handler, "GET", "/v1/cart", **ALICE)[1]["lines"][0]["unit_price"] == 2499
    changed(None, 6, "e6")  # withdrawn from the web
    assert _add("TEE-S", 1)[0] == 404


def test_a_refused_shipment_is_re_sourced_by_checkouts_pipeline_nearest_first_with_its_explanation(shop):
    from support.inventory import stock

    stock("TEE-S", "marseille", 60)  # the most units, but farther from the address than the warehouse
    _add("TEE-S", 1)
    body = {"lines": [{"sku": "TEE-S", "quantity": 1, "unit_price": 1999}], "delivery": "ship", "address": NEAR_PARIS}
    status, order = _checkout(body)
    assert (status, order["lines"][0]["location_id"]) == (201, "paris-rivoli"), order
    rejection = f"/v1/stores/paris-rivoli/orders/{order['order_id']}/fulfilments/F1/rejection"
    status, moved = call(api.handler, "POST", rejection, {"lines": ["1"], "reason": "not on the shelf"}, channel_key="key-pos")
    assert status == 200, moved
    assert [(f["location_id"], f["kind"], f["status"]) for f in moved["fulfilments"]] == [("paris-rivoli", "ship", "cancelled"), ("wh-lyon", "ship", "pending")]
    message = moved["timeline"][-1]["message"]
    assert message.startswith("paris-rivoli cannot fulfil line 1 (not on the shelf); re-sourced line 1 to wh-lyon: wh-lyon: chosen, 1 of 1 units (392 km)")
    assert "marseille: skipped, 66" in message and "paris-rivoli: refused these lines before" in message
    assert [(a["line"], a["location_id"]) for a in moved["sourcing"]["allocations"]] == [("1", "wh-lyon")]
    holds = {(hold.location_id, hold.state.value) for hold in for_orders.holds_of("web", order["order_id"])}
    assert holds == {("paris-rivoli", "released"), ("wh-lyon", "hard")}


def _reject(order, fulfilment_id, lines, store="paris-rivoli"):
    path = f"/v1/stores/{store}/orders/{order['order_id']}/fulfilments/{fulfilment_id}/rejection"
    return call(api.handler, "POST", path, {"lines": lines, "reason": "not on the shelf"}, channel_key="key-pos")


def test_re_sourcing_takes_todays_capacity_at_the_new_location_and_skips_a_full_one(shop):
    from support.inventory import stock

    site("wh-lyon", capacity=1)
    stock("TEE-S", "marseille", 60)
    bob = {"channel_key": "key-web", "customer": "bob"}
    _add("TEE-S", 10, who=bob)  # more than Paris has: the warehouse takes it, and with it its one order of today
    body = {"lines": [{"sku": "TEE-S", "quantity": 10, "unit_price": 1999}], "delivery": "ship", "address": NEAR_PARIS}
    assert _checkout(body, who=bob)[1]["lines"][0]["location_id"] == "wh-lyon"
    _add("TEE-S", 1)
    status, order = _checkout({**body, "lines": [{"sku": "TEE-S", "quantity": 1, "unit_price": 1999}]})
    assert (status, order["lines"][0]["location_id"]) == (201, "paris-rivoli"), order
    status, moved = _reject(order, "F1", ["1"])
    assert status == 200, moved
    assert [(f["location_id"], f["status"]) for f in moved["fulfilments"]] == [("paris-rivoli", "cancelled"), ("marseille", "pending")]  # the nearer warehouse is full
    assert "wh-lyon: skipped, no capacity left today" in moved["timeline"][-1]["message"]
    day = moved["updated_at"][:10]
    assert int(table.get(keys.capacity("marseille", day))["count"]) == 1  # the order now ships from there: it counts today
    calls = _calls()  # the moved line records its new hold: a cancellation releases it without reading
    assert call(api.handler, "POST", f"/v1/ops/orders/{order['order_id']}/cancel", operator=True)[0] == 200
    assert calls == ["GetItem", "TransactWriteItems"]
    assert {(hold.location_id, hold.state.value) for hold in for_orders.holds_of("web", order["order_id"])} == {("paris-rivoli", "released"), ("marseille", "released")}


def test_re_sourcing_counts_every_shipment_of_the_order_against_max_shipments(shop):
    from support.inventory import stock

    product("CAP", 900, {"paris-rivoli": 5})
    for sku, quantity in (("TEE-S", 2), ("CAP", 1), ("MUG", 1)):
        _add(sku, quantity)
    lines = [{"sku": "TEE-S", "quantity": 2, "unit_price": 1999}, {"sku": "CAP", "quantity": 1, "unit_price": 900}, {"sku": "MUG", "quantity": 1, "unit_price": 1200}]
    status, order = _checkout({"lines": lines, "delivery": "ship", "address": NEAR_PARIS})
    assert [(f["location_id"], f["lines"]) for f in order["fulfilments"]] == [("paris-rivoli", ["1", "2"]), ("marseille", ["3"])], order
    before = shop()
    status, refused = _reject(order, "F1", ["1"])  # the warehouse has tees, but would be a third shipment
    assert (status, refused["code"]) == (409, "no_alternative"), refused
    assert shop() == before
    stock("TEE-S", "marseille", 5)  # the farthest, but it ships this order already
    status, moved = _reject(order, "F1", ["1"])
    assert status == 200, moved
    assert [(f["location_id"], f["lines"], f["status"]) for f in moved["fulfilments"]] == [("paris-rivoli", ["2"], "pending"), ("marseille", ["3", "1"], "pending")]
    held = {(hold.line, hold.location_id, hold.state.value) for hold in for_orders.holds_of("web", order["order_id"])}
    assert {("1", "marseille", "hard"), ("1", "paris-rivoli", "released")} <= held


def _placed_in_store():
    _add("TEE-S", 2)
    status, order = _checkout({**PICKUP, "payment": "in_store"})  # pay in store: picked at once
    assert status == 201, order
    return order


def _picked(order):
    return call(api.handler, "POST", f"/v1/stores/paris-rivoli/orders/{order['order_id']}/fulfilments/F1/steps/picked", channel_key="key-pos")


def _calls():
    from kernel.aws import dynamodb

    calls = []
    dynamodb().meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    return calls


def _paris_tees():
    from inventory.dal import stock as stock_rows

    [row] = stock_rows.shards("TEE-S", "paris-rivoli")
    return row.on_hand, row.held


def test_a_fulfilment_step_reads_the_order_and_writes_one_transaction_its_lines_recording_their_holds(shop):
    order = _placed_in_store()
    stored = table.get(keys.order(order["order_id"]))
    [hold] = for_orders.holds_of("web", order["order_id"])
    assert stored["lines"][0]["hold"] == {"channel": "web", "reference": order["order_id"], "line": "1", "location_id": "paris-rivoli", "hold_id": hold.hold_id, "shards": {"0": 2}}
    assert "hold" not in order["lines"][0]  # inventory's business: never answered
    calls = _calls()
    assert _picked(order)[0] == 200
    assert calls == ["GetItem", "TransactWriteItems"]
    assert _paris_tees() == (1, 0) and for_orders.holds_of("web", order["order_id"])[0].state.value == "committed"


def test_an_order_placed_before_lines_recorded_their_holds_reads_them(shop):
    order = _placed_in_store()
    stored = table.get(keys.order(order["order_id"]))
    table.put_now({**stored, "lines": [{name: value for name, value in line.items() if name != "hold"} for line in stored["lines"]]}, None)
    calls = _calls()
    assert _picked(order)[0] == 200
    assert calls == ["GetItem", "Query", "TransactWriteItems"]
    assert _paris_tees() == (1, 0) and for_orders.holds_of("web", order["order_id"])[0].state.value == "committed"


def test_a_hold_that_moved_under_its_record_is_read_again_and_never_moved_twice(shop):
    order = _placed_in_store()
    [hold] = for_orders.holds_of("web", order["order_id"])
    table.transact(for_orders.release([hold]).operations)  # moved outside the order's writes
    calls = _calls()
    status, picked = _picked(order)
    assert status == 200, picked
    assert calls == ["GetItem", "TransactWriteItems", "GetItem", "Query", "TransactWriteItems"]  # refused, then read
    assert _paris_tees() == (3, 0)  # released once, committed never: nothing left on hand twice
