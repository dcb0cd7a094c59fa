"""Exactly once on DynamoDB Local: the shopper's confirm call (twice, at once) and Stripe's webhook race
for 100 orders; each order is authorized once and paid once (one OrderPaid)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from support.payments import Bus, envelope, order_id, order_placed, settle

ORDERS = 100


@pytest.fixture(scope="module")
def bus(runtime):
    return Bus(runtime, "e2e-payment-races")


def test_confirm_calls_and_webhooks_racing_pay_each_order_exactly_once(runtime, bus, shopper_session):
    orders = [order_id() for _ in range(ORDERS)]
    for start in range(0, ORDERS, 10):
        entries = [
            {"Source": "omni.orders", "DetailType": "OrderPlaced", "Detail": json.dumps(envelope("OrderPlaced", order_placed(order, customer="shopper-racer"))), "EventBusName": bus.bus}
            for order in orders[start : start + 10]
        ]
        assert bus.events.put_events(Entries=entries)["FailedEntryCount"] == 0
    runtime.wait_idle(60)
    shopper = shopper_session("web", sub="shopper-racer")
    with ThreadPoolExecutor(4) as pool:
        intents = list(pool.map(lambda order: shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"}).json()["payment_intent_id"], orders))

    def race(pair: tuple[str, str]) -> list[int]:
        order, intent = pair
        runtime.stripe.confirm(intent)  # Stripe sends its webhook now, while the shopper's device confirms twice
        with ThreadPoolExecutor(2) as confirms:
            return [answer.status_code for answer in confirms.map(lambda _: shopper.post(f"/v1/payments/{order}/confirm", json={"payment_intent_id": intent}), range(2))]

    with ThreadPoolExecutor(8) as pool:
        statuses = [status for answers in pool.map(race, zip(orders, intents, strict=True)) for status in answers]
    assert set(statuses) == {200}
    settle(runtime, 120)

    paid = bus.published("OrderPaid")
    with ThreadPoolExecutor(4) as pool:  # read back in parallel: the local API runs two workers per function
        payments = dict(zip(orders, pool.map(lambda order: shopper.get(f"/v1/payments/{order}").json(), orders), strict=True))
    for order, payment in payments.items():
        assert (payment["paid"], [e["kind"] for e in payment["log"]]) == (True, ["authorize"]), order
        assert len([event for event in paid if event["order_id"] == order]) == 1, order
    assert len(bus.published("PaymentAuthorized")) == ORDERS
