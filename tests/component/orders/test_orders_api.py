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
