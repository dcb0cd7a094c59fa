"""Cards and wallets through Stripe on the local runtime: how the shopper paid is recorded from the
charge's payment method details (as Stripe reports them); a new PaymentIntent for an order cancels the
open one, so two intents can never both pay it."""

from __future__ import annotations

import json
import time

import pytest
import requests

from support.payments import Bus, order_id, order_placed, settle, status_changed


@pytest.fixture(scope="module")
def bus(runtime):
    return Bus(runtime, "e2e-payments-cards")


def started(runtime, bus, shopper_session, sub: str):
    order = order_id()
    bus.put("OrderPlaced", order_placed(order, customer=sub))
    runtime.wait_idle(30)
    shopper = shopper_session("web", sub=sub)
    answer = shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"})
    assert answer.status_code == 201, answer.text
    return order, shopper, answer.json()["payment_intent_id"]


@pytest.mark.parametrize(
    ("payment_method", "wallet", "tender", "method"),
    [("pm_card_visa", None, "card", "card"), ("pm_card_visa", "apple_pay", "wallet", "apple_pay"), ("pm_card_visa", "google_pay", "wallet", "google_pay"), ("pm_link", None, "wallet", "link")],
)
def test_the_payment_shows_how_the_shopper_paid_and_a_refund_goes_back_alike(runtime, bus, shopper_session, operator_session, payment_method, wallet, tender, method):
    order, shopper, intent = started(runtime, bus, shopper_session, f"shopper-{method}")
    runtime.stripe.confirm(intent, payment_method, wallet)  # the webhook names the charge by id only
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    [authorized] = [entry for entry in payment["log"] if entry["kind"] == "authorize"]
    assert (payment["paid"], payment["tenders"], payment["methods"], authorized["tender"], authorized["method"]) == (True, [tender], [method], tender, method)
    bus.put("OrderStatusChanged", status_changed(order, "collected", 5))
    settle(runtime)
    refund = operator_session.post(f"/v1/payments/{order}/refunds", json={"refund_id": f"r-{order[:8]}", "amount": 4200, "currency": "EUR", "reason": "goodwill"})
    assert (refund.status_code, refund.json()["issued"], refund.json()["steps"]) == (201, True, [{"tender": tender, "amount": 4200, "done": True}]), refund.text
    assert [r["amount"] for r in runtime.stripe.refunds.values() if r["payment_intent"] == intent] == [4200]


def post_signed(runtime, event: dict):
    from omni_local.stripe_standin import sign

    payload = json.dumps(event)
    headers = {"Content-Type": "application/json", "Stripe-Signature": sign(runtime.stripe.webhook_secret, payload)}
    return requests.post(runtime.api_url + "/v1/webhooks/payments/stripe", data=payload, headers=headers, timeout=10)


def test_a_new_intent_cancels_the_open_one_whose_late_webhooks_cannot_pay_the_order(runtime, bus, shopper_session):
    order, shopper, first = started(runtime, bus, shopper_session, "shopper-twice")
    again = shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"})
    assert again.status_code == 201, again.text
    second = again.json()["payment_intent_id"]
    assert second != first
    assert (runtime.stripe.intents[first]["status"], runtime.stripe.intents[first]["cancellation_reason"]) == ("canceled", "duplicate")
    runtime.stripe.confirm(second)
    settle(runtime)

    # The cancelled intent's webhooks, late and repeated, and a signed report that it authorized after all.
    late = [event for event in runtime.stripe.sent if event["data"]["object"].get("id") == first]
    authorized = {**runtime.stripe.intents[first], "status": "requires_capture", "amount_capturable": 4200, "cancellation_reason": None}
    forged = {"id": f"evt_late_{order}", "object": "event", "type": "payment_intent.amount_capturable_updated", "created": int(time.time()), "data": {"object": authorized}}
    assert {post_signed(runtime, event).status_code for event in [*late, forged, *late]} == {200}
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    held = [(e["provider_reference"], e["kind"]) for e in payment["log"] if e["kind"] in ("authorize", "capture")]
    assert (payment["paid"], payment["authorized"], held) == (True, 4200, [(second, "authorize")])
    assert len(bus.published("OrderPaid", order)) == 1
    assert bus.published("PaymentFailed", order) == []  # superseding an intent is not a failed payment


def captured(runtime, bus, shopper_session, sub: str):
    order, shopper, intent = started(runtime, bus, shopper_session, sub)
    runtime.stripe.confirm(intent)
    settle(runtime)
    bus.put("OrderStatusChanged", status_changed(order, "collected", 5))
    settle(runtime)
    return order, shopper, intent


def test_a_dispute_lost_is_a_chargeback_in_the_log_the_state_the_events_and_the_reconciliation(runtime, bus, shopper_session, operator_session):
    from datetime import UTC, datetime

    order, shopper, intent = captured(runtime, bus, shopper_session, "shopper-disputed")
    dispute = runtime.stripe.dispute(intent)
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["state"], payment["disputed"], payment["captured"]) == ("disputed", 4200, 4200)
    refund = operator_session.post(f"/v1/payments/{order}/refunds", json={"refund_id": f"r-{order[:8]}", "amount": 100, "currency": "EUR", "reason": "goodwill"})
    assert (refund.status_code, refund.json()["code"]) == (422, "refund_exceeds_captured")  # the disputed money is not Omni's to give
    report = operator_session.get("/v1/payments/reconciliation", params={"date": datetime.now(UTC).date().isoformat()}).json()
    assert ("dispute_open", intent) in [(m["kind"], m["provider_reference"]) for m in report["mismatches"] if m["order_id"] == order]

    runtime.stripe.close_dispute(dispute["id"], won=False)
    settle(runtime)
    replays = [event for event in runtime.stripe.sent if event["type"].startswith("charge.dispute.")]
    replays = [event for event in replays if event["data"]["object"]["id"] == dispute["id"]]
    assert {post_signed(runtime, event).status_code for event in [*reversed(replays), *replays, *reversed(replays)]} == {200}
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    kinds = [e["kind"] for e in payment["log"] if e["kind"].startswith("dispute")]
    assert (payment["state"], payment["disputed"], payment["charged_back"], kinds) == ("charged_back", 0, 4200, ["dispute", "dispute_lost"])
    assert [(e["dispute_id"], e["amount"], e["reason"]) for e in bus.published("PaymentDisputed", order)] == [(dispute["id"], 4200, "fraudulent")]
    assert [e["outcome"] for e in bus.published("PaymentDisputeClosed", order)] == ["lost"]
    report = operator_session.get("/v1/payments/reconciliation", params={"date": datetime.now(UTC).date().isoformat()}).json()
    mine = [m["kind"] for m in report["mismatches"] if m["order_id"] == order]
    assert ("charged_back" in mine, "dispute_open" in mine) == (True, False), mine


def test_a_dispute_won_reported_before_it_was_opened_ends_with_the_money_back(runtime, bus, shopper_session):
    order, shopper, intent = captured(runtime, bus, shopper_session, "shopper-dispute-won")
    runtime.stripe.deliver = False
    try:
        dispute = runtime.stripe.dispute(intent)
        runtime.stripe.close_dispute(dispute["id"], won=True)
        created, closed = runtime.stripe.sent[-2:]
    finally:
        runtime.stripe.deliver = True
    lost = {**closed, "id": f"evt_lost_{order}", "data": {"object": {**closed["data"]["object"], "status": "lost"}}}
    assert [post_signed(runtime, event).status_code for event in (closed, created, closed, lost)] == [200] * 4
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["state"], payment["disputed"], payment["charged_back"]) == ("captured", 0, 0)
    assert [e["outcome"] for e in bus.published("PaymentDisputeClosed", order)] == ["won"]
    assert [e["kind"] for e in bus.published("PaymentAlert", order)] == ["dispute_already_closed"]  # won, then reported lost
