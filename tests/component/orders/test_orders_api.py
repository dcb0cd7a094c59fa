import json

import pytest

from kernel import table
from orders.dal import orders as orders_table
from orders.handlers import api
from orders.logic.lifecycle import advance
from support.orders import an_order
from support.triggers import call


def test_a_shopper_reads_their_own_order_and_another_shoppers_is_404(orders):
    order = an_order(customer_id="alice")
    table.transact(orders_table.placement(order))
    status, body = call(api.handler, "GET", f"/v1/orders/{order.order_id}", channel_key="key-web", customer="alice")
    assert (status, body["number"], body["status"]) == (200, order.number, "awaiting_payment")
    assert call(api.handler, "GET", f"/v1/orders/{order.order_id}", channel_key="key-web", customer="bob")[0] == 404
    assert call(api.handler, "GET", "/v1/orders/unknown", channel_key="key-web", customer="alice")[0] == 404


def test_my_orders_lists_the_shoppers_orders_newest_first(orders):
    older = an_order(customer_id="alice", placed_at="2026-11-20T10:00:00.000000Z")
    newer = an_order(customer_id="alice", placed_at="2026-11-22T10:00:00.000000Z")
    table.transact(orders_table.placement(older) + orders_table.placement(newer) + orders_table.placement(an_order(customer_id="bob")))
    status, body = call(api.handler, "GET", "/v1/me/orders", channel_key="key-app", customer="alice")
    assert (status, [o["order_id"] for o in body]) == (200, [newer.order_id, older.order_id])


def test_a_change_written_over_a_stale_read_is_refused(orders):
    order = an_order()
    table.transact(orders_table.placement(order))
    orders_table.save(order, advance(order, "paid", at="2026-11-23T12:10:00.000000Z"))
    with pytest.raises(orders_table.Moved):
        orders_table.save(order, advance(order, "cancelled", at="2026-11-23T12:11:00.000000Z"))
    assert orders_table.get(order.order_id).status == "paid"


def test_two_orders_never_share_a_number(orders):
    first = an_order(number="W-SAME01")
    table.transact(orders_table.placement(first))
    with pytest.raises(table.Rejected) as refused:
        table.transact(orders_table.placement(an_order(number="W-SAME01")))
    assert refused.value.failed() == [1]
    assert orders_table.by_number("W-SAME01").order_id == first.order_id


def test_staff_of_one_store_see_only_their_stores_pick_list(orders):
    paris = an_order(status="allocated", paid=True)
    table.transact(orders_table.placement(paris))
    status, listed = call(api.handler, "GET", "/v1/stores/paris-rivoli/pick-list", channel_key="key-pos")
    assert (status, [o["order_id"] for o in listed]) == (200, [paris.order_id])
    assert call(api.handler, "GET", "/v1/stores/paris-rivoli/pick-list", channel_key="key-pos-lyon")[0] == 403
    assert call(api.handler, "GET", "/v1/stores/lyon-bellecour/pick-list", channel_key="key-pos-lyon")[1] == []
    step = f"/v1/stores/lyon-bellecour/orders/{paris.order_id}/fulfilments/F1/steps/picked"
    assert call(api.handler, "POST", step, channel_key="key-pos-lyon")[0] == 404  # not at its store
    assert call(api.handler, "GET", f"/v1/channel/orders/{paris.order_id}", channel_key="key-pos-lyon")[0] == 404
    assert call(api.handler, "GET", f"/v1/channel/orders/{paris.order_id}", channel_key="key-web")[0] == 200  # it placed it
    assert call(api.handler, "GET", f"/v1/channel/orders/{paris.order_id}", channel_key="key-app")[0] == 404


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("fulfilments/F1/collection", {"code": "ABC123", "status": "collected"}, "status"),
        ("fulfilments/F1/collection", {}, "code"),
        ("returns", {"return_key": "r1", "lines": [{"line": "1", "received": 1, "unit_price": 1}]}, "lines.0.unit_price"),
        ("returns", {"return_key": "r1", "lines": [{"line": "1", "received": 0}]}, "lines.0.received"),
        ("returns", {"return_key": "r1", "lines": [{"line": "1", "received": 1}], "refund": 9999}, "refund"),
        ("returns", {"return_key": "r1", "lines": [{"line": "1", "received": 1}], "channel": "web"}, "channel"),
        ("fulfilments/F1/rejection", {"lines": []}, "lines"),
    ],
)
def test_client_supplied_prices_statuses_and_channels_are_refused_naming_the_field_and_nothing_is_written(orders, path, body, field):
    order = an_order(status="collected", paid=True)
    table.transact(orders_table.placement(order))
    before = orders.items()
    status, problem = call(api.handler, "POST", f"/v1/stores/paris-rivoli/orders/{order.order_id}/{path}", body, channel_key="key-pos")
    assert status == 422 and field in [error["field"] for error in problem["errors"]]
    assert orders.items() == before


def test_a_step_not_allowed_from_the_current_state_is_409_naming_both(orders):
    order = an_order(status="collected", paid=True)
    table.transact(orders_table.placement(order))
    status, problem = call(api.handler, "POST", f"/v1/ops/orders/{order.order_id}/cancel", operator=True)
    assert (status, problem["from_status"], problem["to_status"]) == (409, "collected", "cancelled")
    status, problem = call(api.handler, "POST", f"/v1/ops/orders/{order.order_id}/fulfilments/F1/steps/ready", operator=True)
    assert (status, problem["from_status"], problem["to_status"]) == (409, "pending", "ready_for_pickup")


def test_wrong_pickup_codes_lock_the_pickup_and_even_the_right_code_waits_for_the_window(orders, monkeypatch):
    from datetime import timedelta

    from kernel import clock
    from orders.logic.fulfilment import pickup_code_hash
    from orders.models.order import Fulfilment, FulfilmentKind

    order = an_order(status="ready_for_pickup", paid=True)
    ready = Fulfilment(
        fulfilment_id="F1", location_id="paris-rivoli", kind=FulfilmentKind.pickup, lines=["1"], status="ready_for_pickup", pickup_code_hash=pickup_code_hash(order.order_id, "F1", "RIGHT7")
    )
    order = order.model_copy(update={"fulfilments": [ready]})
    table.transact(orders_table.placement(order))
    collect = f"/v1/stores/paris-rivoli/orders/{order.order_id}/fulfilments/F1/collection"
    for left in (4, 3, 2, 1):
        status, problem = call(api.handler, "POST", collect, {"code": "WRONG1"}, channel_key="key-pos")
        assert (status, problem["code"], problem["attempts_left"]) == (422, "wrong_pickup_code", left)
    assert orders_table.get(order.order_id).fulfilments[0].pickup_failures == 4  # each attempt counted on the order
    status, problem = call(api.handler, "POST", collect, {"code": "WRONG1"}, channel_key="key-pos")
    assert (status, problem["code"], problem["field"]) == (409, "pickup_locked", "code") and problem["locked_until"]
    status, problem = call(api.handler, "POST", collect, {"code": "RIGHT7"}, channel_key="key-pos")
    assert (status, problem["code"]) == (409, "pickup_locked")  # the right code too, until the window passes
    locked = orders_table.get(order.order_id)
    assert (locked.status, locked.fulfilments[0].pickup_locked_until) == ("ready_for_pickup", problem["locked_until"])
    assert "RIGHT7" not in json.dumps(orders.items()) and "WRONG1" not in json.dumps(orders.items())  # codes are never kept
    later = clock.now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    status, body = call(api.handler, "POST", collect, {"code": "RIGHT7"}, channel_key="key-pos")
    assert (status, body["status"], body["fulfilments"][0]["pickup_failures"]) == (200, "collected", 0)


def test_a_shopper_starts_a_return_online_and_a_store_receives_it_with_the_refund_request(orders):
    order = an_order(status="delivered", paid=True, customer_id="alice")
    table.transact(orders_table.placement(order))
    start = f"/v1/me/orders/{order.order_id}/returns"
    body = {"return_key": "web-r1", "lines": [{"line": "1", "quantity": 1}]}
    assert call(api.handler, "POST", start, body, channel_key="key-web", customer="bob")[0] == 404  # not bob's order
    before = orders.items()
    for bad, field in (({**body, "lines": [{"line": "9", "quantity": 1}]}, "lines"), ({**body, "lines": [{"line": "1", "quantity": 3}]}, "lines.quantity"), ({**body, "refund": 1}, "refund")):
        status, problem = call(api.handler, "POST", start, bad, channel_key="key-web", customer="alice")
        assert status == 422 and field in [error["field"] for error in problem["errors"]], problem
    assert orders.items() == before  # nothing written
    status, started = call(api.handler, "POST", start, body, channel_key="key-app", customer="alice")
    assert status == 201, started
    [request] = started["return_requests"]
    assert (request["lines"], request["received_as"], started["timeline"][-1]["kind"]) == ([{"line": "1", "sku": "TEE-ORG-S", "quantity": 1}], None, "return")
    assert call(api.handler, "POST", start, body, channel_key="key-web", customer="alice")[1]["version"] == started["version"]  # a retry
    status, problem = call(api.handler, "POST", start, {"return_key": "web-r2", "lines": [{"line": "1", "quantity": 2}]}, channel_key="key-web", customer="alice")
    assert (status, problem["errors"][0]["field"]) == (422, "lines.quantity")  # one unit is on its way back already
    receive = f"/v1/stores/paris-rivoli/orders/{order.order_id}/returns"
    counter = {"return_key": "counter-1", "request_id": request["request_id"], "lines": [{"line": "1", "received": 1, "damaged": 0}]}
    status, received = call(api.handler, "POST", receive, counter, channel_key="key-pos")
    assert status == 201, received
    assert received["return_requests"][0]["received_as"] == received["returns"][0]["return_id"]
    assert [(r["amount"], r["reason"]) for r in received["refunds"]] == [(1999, "return")]  # the same refund request as any return
    status, problem = call(api.handler, "POST", receive, {**counter, "return_key": "counter-2"}, channel_key="key-pos")
    assert (status, problem["code"]) == (409, "request_received")
    assert call(api.handler, "POST", receive, {**counter, "return_key": "counter-3", "request_id": "nope"}, channel_key="key-pos")[0] == 404
