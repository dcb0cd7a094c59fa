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
