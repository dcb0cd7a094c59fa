"""Payments over HTTP on the local runtime: the real Stripe SDK against the local stand-in, signed
webhooks back to Omni, orders' events put on the bus by the test (standing in for checkout)."""

from __future__ import annotations

import random

import pytest

from support.payments import Bus, order_id, order_placed, settle, status_changed


@pytest.fixture(scope="module")
def bus(runtime):
    return Bus(runtime, "e2e-payments")


def entries(payment: dict, kind: str) -> list[dict]:
    return [entry for entry in payment["log"] if entry["kind"] == kind]


def placed(runtime, bus, order: str, **options) -> None:
    bus.put("OrderPlaced", order_placed(order, **options))
    runtime.wait_idle(30)


def test_card_for_pickup_authorized_by_a_signed_webhook_paid_once_and_captured_when_collected(runtime, bus, shopper_session):
    order = order_id()
    shopper = shopper_session("web", sub="shopper-journey")
    placed(runtime, bus, order, customer="shopper-journey")

    started = shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"})
    assert started.status_code == 201, started.text
    intent = started.json()
    assert (intent["amount"], intent["currency"], intent["capture_method"]) == (4200, "EUR", "manual")

    runtime.stripe.confirm(intent["payment_intent_id"])  # the shopper's device, through Stripe.js
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["state"], payment["paid"], payment["balance_due"], payment["captured"]) == ("authorized", True, 0, 0)
    assert [event["amount"] for event in bus.published("OrderPaid", order)] == [4200]

    bus.put("OrderStatusChanged", status_changed(order, "ready_for_pickup", 4))
    bus.put("OrderStatusChanged", status_changed(order, "collected", 5))
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["state"], payment["captured"]) == ("captured", 4200)
    assert runtime.stripe.intents[intent["payment_intent_id"]]["status"] == "succeeded"
    assert [event["captured_total"] for event in bus.published("PaymentCaptured", order)] == [4200]

    # Every webhook of the journey, replayed 3 times in shuffled order (Stripe redelivers, re-signed).
    sent = [event for event in runtime.stripe.sent if event["data"]["object"].get("id") == intent["payment_intent_id"]]
    assert [event["type"] for event in sent] == ["payment_intent.amount_capturable_updated", "payment_intent.succeeded"]
    replays = sent * 3
    random.Random(7).shuffle(replays)
    assert {runtime.stripe.post(event) for event in replays} == {200}
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (len(entries(payment, "capture")), len(entries(payment, "authorize")), payment["captured"]) == (1, 1, 4200)
    assert len(bus.published("OrderPaid", order)) == 1
    assert len(bus.published("PaymentCaptured", order)) == 1


def test_buy_online_pay_in_store_cash_at_pickup_with_change(runtime, bus, channel_session):
    order = order_id()
    placed(runtime, bus, order, payment="in_store", customer=None)
    pos = channel_session("pos")
    tender = {"tender": "cash", "amount": 4200, "currency": "EUR", "reference": "till-3-r881", "tendered": 5000}
    answer = pos.post(f"/v1/payments/{order}/in-store", json=tender)
    assert answer.status_code == 200, answer.text
    payment = answer.json()
    assert (payment["paid"], payment["change"], payment["captured"], payment["tenders"]) == (True, 800, 4200, ["cash"])
    again = pos.post(f"/v1/payments/{order}/in-store", json=tender)  # the till retries: recorded once
    assert (again.status_code, len(entries(again.json(), "capture"))) == (200, 1)
    assert channel_session("web").post(f"/v1/payments/{order}/in-store", json={**tender, "reference": "web-1"}).status_code == 403
    runtime.wait_idle(30)
    assert [event["tenders"] for event in bus.published("OrderPaid", order)] == [["cash"]]
