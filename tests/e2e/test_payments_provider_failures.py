"""Stripe failing at the HTTP boundary (the stand-in is the SDK's API base): every route that calls Stripe
answers a problem, never a 500, and writes nothing that claims money moved; a declined card is a 402 and
the order still awaits payment."""

from __future__ import annotations

import pytest

from support.payments import Bus, order_id, order_placed, settle, status_changed


@pytest.fixture(scope="module")
def bus(runtime):
    return Bus(runtime, "e2e-payments-failures")


def _table(runtime) -> str:
    return next(name for logical_id, name in runtime.state()["tables"].items() if logical_id.startswith("PaymentsTable"))


def ledger_of(runtime, order: str) -> list[dict]:
    items = runtime.client("dynamodb").query(TableName=_table(runtime), KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": f"PAY#{order}"}}, ConsistentRead=True)["Items"]
    return [item for item in items if item["sk"]["S"].startswith(("TX#", "PAID", "INTENT#"))]


def placed(runtime, bus, sub: str, **options) -> str:
    order = order_id()
    bus.put("OrderPlaced", order_placed(order, customer=sub, **options))
    runtime.wait_idle(30)
    return order


@pytest.mark.parametrize(
    ("mode", "status", "code", "retry_after"),
    [("drop", 503, "provider_unavailable", "5"), (429, 503, "provider_unavailable", "5"), (500, 502, "provider_error", "5"), (401, 502, "provider_error", None), (402, 402, "payment_declined", None)],
)
def test_stripe_away_throttling_or_failing_is_a_5xx_problem_and_no_intent_is_recorded(runtime, bus, shopper_session, mode, status, code, retry_after):
    sub = f"shopper-away-{mode}"
    order, shopper = placed(runtime, bus, sub), shopper_session("web", sub=sub)
    intents_before = len(runtime.stripe.intents)
    with runtime.stripe.failing(mode):
        answer = shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"})
    assert (answer.status_code, answer.headers["Content-Type"], answer.json()["code"]) == (status, "application/problem+json", code), answer.text
    assert answer.headers.get("Retry-After") == retry_after
    assert len(runtime.stripe.intents) == intents_before
    assert ledger_of(runtime, order) == []
    assert shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"}).status_code == 201  # Stripe is back


def test_a_refund_while_stripe_is_away_records_no_refund_and_its_retry_refunds_once(runtime, bus, shopper_session, operator_session):
    sub = "shopper-refund-away"
    order, shopper = placed(runtime, bus, sub), shopper_session("web", sub=sub)
    intent = shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"}).json()["payment_intent_id"]
    runtime.stripe.confirm(intent)
    settle(runtime)
    bus.put("OrderStatusChanged", status_changed(order, "collected", 5))
    settle(runtime)
    assert shopper.get(f"/v1/payments/{order}").json()["captured"] == 4200

    refund = {"refund_id": f"goodwill-{order[:8]}", "amount": 1000, "currency": "EUR", "reason": "goodwill"}
    with runtime.stripe.failing("drop"):
        away = operator_session.post(f"/v1/payments/{order}/refunds", json=refund)
    assert (away.status_code, away.json()["code"], away.headers.get("Retry-After")) == (503, "provider_unavailable", "5"), away.text
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["refunded"], [e for e in payment["log"] if e["kind"] == "refund"]) == (0, [])
    again = operator_session.post(f"/v1/payments/{order}/refunds", json=refund)
    assert (again.status_code, again.json()["issued"]) == (201, True), again.text
    assert [r["amount"] for r in runtime.stripe.refunds.values() if r["payment_intent"] == intent] == [1000]


def test_a_card_declined_at_confirm_is_a_402_and_the_order_still_awaits_payment(runtime, bus, shopper_session):
    sub = "shopper-declined-402"
    order, shopper = placed(runtime, bus, sub), shopper_session("web", sub=sub)
    intent = shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"}).json()["payment_intent_id"]
    runtime.stripe.confirm(intent, "pm_card_chargeDeclined")
    declined = shopper.post(f"/v1/payments/{order}/confirm", json={"payment_intent_id": intent})
    problem = declined.json()
    assert (declined.status_code, problem["code"], problem["decline_code"], problem["balance_due"]) == (402, "payment_declined", "generic_decline", 4200), declined.text
    settle(runtime)
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["paid"], payment["balance_due"], payment["authorized"]) == (False, 4200, 0)
    assert shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"}).status_code == 201  # another attempt
