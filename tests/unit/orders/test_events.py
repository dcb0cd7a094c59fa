from kernel.outbox import Change
from orders.logic.events import events_from_change
from orders.logic.lifecycle import advance
from orders.logic.numbers import ALPHABET, LENGTH, order_number
from support.orders import an_order


def item(order) -> dict:
    return {"type": "order", **order.model_dump(mode="json")}


def test_a_new_order_is_order_placed_with_its_totals_and_lines():
    order = an_order()
    [event] = events_from_change(Change("INSERT", None, item(order)))
    assert (event.TYPE, event.order_id, event.grand_total, event.currency, event.payment) == ("OrderPlaced", order.order_id, 3998, "EUR", "online")
    assert [(line.sku, line.quantity, line.location_id) for line in event.lines] == [("TEE-ORG-S", 2, "paris-rivoli")]


def test_a_status_change_is_order_status_changed_with_both_statuses_and_the_version():
    order = an_order()
    paid = advance(order, "paid", at="2026-11-23T12:10:00.000000Z", reason="paid by card")
    [event] = events_from_change(Change("MODIFY", item(order), item(paid)))
    assert (event.TYPE, event.from_status, event.to_status, event.version, event.reason) == ("OrderStatusChanged", "awaiting_payment", "paid", 2, "paid by card")


def test_a_change_that_keeps_the_status_and_number_claims_publish_nothing():
    order = an_order()
    assert list(events_from_change(Change("MODIFY", item(order), {**item(order), "version": 2}))) == []
    assert list(events_from_change(Change("INSERT", None, {"type": "order_number", "order_id": "x"}))) == []


def test_order_numbers_are_short_readable_and_varied():
    numbers = {order_number("web") for _ in range(200)}
    assert len(numbers) == 200
    assert all(n.startswith("W-") and len(n) == 2 + LENGTH and set(n[2:]) <= set(ALPHABET) for n in numbers)


def test_two_status_moves_in_one_write_are_two_events_each_with_its_version():
    order = an_order()
    paid = advance(advance(order, "paid", at="2026-11-23T12:10:00.000000Z"), "allocated", at="2026-11-23T12:10:00.000000Z")
    events = list(events_from_change(Change("MODIFY", item(order), item(paid))))
    assert [(e.from_status, e.to_status, e.version) for e in events] == [("awaiting_payment", "paid", 2), ("paid", "allocated", 3)]


def test_a_return_added_is_return_received_and_its_refund_requested_once():
    from orders.models.order import Refund, Return, ReturnLine

    order = an_order(status="collected", paid=True)
    back = Return(return_id="r-1", channel="pos", location_id="lyon", lines=[ReturnLine(line="1", sku="TEE-ORG-S", received=2, damaged=1)], refund=3998, at="2026-11-24T10:00:00Z")
    returned = order.model_copy(update={"returns": [back], "refunds": [Refund(refund_id="r-1", amount=3998, reason="return", at="2026-11-24T10:00:00Z")], "version": 2})
    events = list(events_from_change(Change("MODIFY", item(order), item(returned))))
    assert [(e.TYPE, e.return_id if e.TYPE == "ReturnReceived" else e.refund_id) for e in events] == [("ReturnReceived", "r-1"), ("RefundRequested", "r-1")]
    assert events[0].lines[0].received - events[0].lines[0].damaged == 1 and events[1].amount == 3998
    later = returned.model_copy(update={"version": 3})
    assert list(events_from_change(Change("MODIFY", item(returned), item(later)))) == []
