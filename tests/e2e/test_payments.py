"""Payments over HTTP on the local runtime: the real Stripe SDK against the local stand-in, signed
webhooks back to Omni, orders' events put on the bus by the test (standing in for checkout)."""

from __future__ import annotations

import json
import random
import time

import pytest
import requests

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


# --- refusals: signature, replay, amount, currency ----------------------------------------------


def _table(runtime) -> str:
    return next(name for logical_id, name in runtime.state()["tables"].items() if logical_id.startswith("PaymentsTable"))


def partition(runtime, pk: str) -> list[dict]:
    client = runtime.client("dynamodb")
    return client.query(TableName=_table(runtime), KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)["Items"]


def ledger_of(runtime, order: str) -> list[dict]:
    return [item for item in partition(runtime, f"PAY#{order}") if item["sk"]["S"].startswith(("TX#", "PAID"))]


def post_signed(runtime, event: dict, *, secret: str | None = None, at: int | None = None):
    from omni_local.stripe_standin import sign

    payload = json.dumps(event)
    header = sign(secret or runtime.stripe.webhook_secret, payload, at)
    return requests.post(runtime.api_url + "/v1/webhooks/payments/stripe", data=payload, headers={"Content-Type": "application/json", "Stripe-Signature": header}, timeout=10)


def started_card(runtime, bus, shopper_session, sub: str, **options):
    order = order_id()
    placed(runtime, bus, order, customer=sub, **options)
    shopper = shopper_session("web", sub=sub)
    answer = shopper.post(f"/v1/payments/{order}/card", json={"currency": options.get("currency", "EUR")})
    assert answer.status_code == 201, answer.text
    return order, shopper, answer.json()["payment_intent_id"]


def test_forged_stale_and_replayed_webhooks_are_refused_and_write_nothing(runtime, bus, shopper_session):
    order, _, intent = started_card(runtime, bus, shopper_session, "shopper-forger")
    runtime.stripe.deliver = False
    try:
        event = runtime.stripe.confirm(intent) and runtime.stripe.sent[-1]
    finally:
        runtime.stripe.deliver = True
    inbox_before = len(partition(runtime, "INBOX#stripe"))

    forged = post_signed(runtime, event, secret="whsec_not_the_endpoints")
    assert (forged.status_code, forged.json()["code"]) == (401, "invalid_signature")
    stale = post_signed(runtime, event, at=int(time.time()) - 301)
    assert (stale.status_code, stale.json()["code"]) == (401, "stale_timestamp")
    unsigned = requests.post(runtime.api_url + "/v1/webhooks/payments/stripe", json=event, headers={"Stripe-Signature": "t=1,v1=00"}, timeout=10)
    assert unsigned.status_code == 401
    runtime.wait_idle(30)
    assert len(partition(runtime, "INBOX#stripe")) == inbox_before
    assert ledger_of(runtime, order) == []

    first, replay = post_signed(runtime, event), post_signed(runtime, event)
    assert (first.status_code, first.json()["status"]) == (200, "accepted")
    assert (replay.status_code, replay.json()["status"]) == (200, "duplicate")
    settle(runtime)
    assert len(partition(runtime, "INBOX#stripe")) == inbox_before + 1
    assert len([item for item in ledger_of(runtime, order) if item["sk"]["S"].startswith("TX#")]) == 1  # one authorization


@pytest.mark.parametrize(("change", "alert"), [({"amount": 4000, "amount_capturable": 4000}, "amount_mismatch"), ({"currency": "usd"}, "currency_mismatch")])
def test_a_correctly_signed_event_with_another_amount_or_currency_is_refused_with_an_alert(runtime, bus, shopper_session, change, alert):
    order, shopper, intent = started_card(runtime, bus, shopper_session, f"shopper-{alert}")
    tampered = {"id": f"evt_tampered_{order}", "object": "event", "type": "payment_intent.amount_capturable_updated", "created": int(time.time())}
    obj = {**runtime.stripe.intents[intent], "status": "requires_capture", "amount_capturable": 4200, **change}
    assert post_signed(runtime, {**tampered, "data": {"object": obj}}).status_code == 200
    settle(runtime)
    assert ledger_of(runtime, order) == []
    assert shopper.get(f"/v1/payments/{order}").json()["paid"] is False
    [raised] = bus.published("PaymentAlert", order)
    assert (raised["kind"], raised["provider"], raised["provider_reference"]) == (alert, "stripe", intent)


# --- bad input -----------------------------------------------------------------------------------


def test_bad_input_is_a_4xx_naming_the_field_and_writes_nothing(runtime, bus, shopper_session, channel_session, operator_session):
    order = order_id()
    placed(runtime, bus, order, payment="in_store", customer="shopper-bad")
    pos, before = channel_session("pos"), partition(runtime, f"PAY#{order}")
    cash = {"tender": "cash", "amount": 1000, "currency": "EUR", "reference": "till-bad"}
    cases = [
        (pos.post(f"/v1/payments/{order_id()}/in-store", json=cash), 404, "order_id"),
        (pos.post(f"/v1/payments/{order}/in-store", json={**cash, "amount": 0}), 422, "amount"),
        (pos.post(f"/v1/payments/{order}/in-store", json={**cash, "amount": -5}), 422, "amount"),
        (pos.post(f"/v1/payments/{order}/in-store", json={**cash, "currency": "USD"}), 422, "currency"),
        (pos.post(f"/v1/payments/{order}/in-store", json={**cash, "amount": 5000}), 422, "amount"),  # above the balance due
        (pos.post(f"/v1/payments/{order}/in-store", json={**cash, "tendered": 500}), 422, "tendered"),
        (pos.post(f"/v1/payments/{order}/in-store", json={**cash, "tender": "gift_card"}), 422, "code"),
        (shopper_session("web", sub="shopper-bad").post(f"/v1/payments/{order}/card", json={"currency": "USD"}), 422, "currency"),
        (shopper_session("web", sub="someone-else").get(f"/v1/payments/{order}"), 404, "order_id"),
        (operator_session.post(f"/v1/payments/{order}/refunds", json={"refund_id": "r-bad", "amount": 100, "currency": "EUR", "reason": "return"}), 422, "amount"),
    ]
    for answer, status, field in cases:
        problem = answer.json()
        named = {problem.get("field"), *(error["field"] for error in problem.get("errors") or [])}
        assert (answer.status_code, field in named) == (status, True), problem
    runtime.wait_idle(30)
    assert partition(runtime, f"PAY#{order}") == before
    assert bus.published(order=order) == []


# --- split tender, refunds ------------------------------------------------------------------------


def issue_card(operator_session, amount: int, kind: str = "gift_card") -> dict:
    answer = operator_session.post("/v1/gift-cards", json={"kind": kind, "amount": amount, "currency": "EUR", "reference": f"issue-{order_id()}"})
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_split_tender_gift_card_and_card_then_a_partial_return_refunds_card_first(runtime, bus, shopper_session, channel_session, operator_session):
    order = order_id()
    placed(runtime, bus, order, customer="shopper-split", total=5000)
    shopper = shopper_session("web", sub="shopper-split")
    card = issue_card(operator_session, 3000)
    redeemed = shopper.post(f"/v1/payments/{order}/gift-card", json={"code": card["code"], "amount": 3000, "currency": "EUR", "reference": "gc-1"})
    assert redeemed.status_code == 200, redeemed.text
    assert (redeemed.json()["balance_due"], redeemed.json()["paid"]) == (2000, False)
    intent = shopper.post(f"/v1/payments/{order}/card", json={"currency": "EUR"}).json()
    assert intent["amount"] == 2000  # the card pays what the gift card left
    runtime.stripe.confirm(intent["payment_intent_id"])
    settle(runtime)
    assert [(e["amount"], e["tenders"]) for e in bus.published("OrderPaid", order)] == [(5000, ["gift_card", "card"])]
    bus.put("OrderStatusChanged", status_changed(order, "collected", 3, total=5000))
    settle(runtime)
    assert shopper.get(f"/v1/payments/{order}").json()["captured"] == 5000

    refund = {"refund_id": f"ret-{order[:8]}", "order_id": order, "amount": 3500, "currency": "EUR", "reason": "return", "at": "2026-12-02T10:00:00Z"}
    bus.put("RefundRequested", refund)
    bus.put("RefundRequested", refund)  # delivered twice
    settle(runtime)
    [issued] = bus.published("RefundIssued", order)
    assert (issued["amount"], issued["tenders"]) == (3500, [{"tender": "card", "amount": 2000}, {"tender": "gift_card", "amount": 1500}])
    assert [r["amount"] for r in runtime.stripe.refunds.values() if r["payment_intent"] == intent["payment_intent_id"]] == [2000]
    assert channel_session("pos").post("/v1/gift-cards/balance", json={"code": card["code"]}).json()["balance"] == 1500
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["refunded"], payment["state"]) == (3500, "partially_refunded")
    too_much = operator_session.post(f"/v1/payments/{order}/refunds", json={"refund_id": "goodwill-1", "amount": 1501, "currency": "EUR", "reason": "goodwill"})
    assert (too_much.status_code, too_much.json()["code"]) == (422, "refund_exceeds_captured")


def test_a_gift_card_redeemed_from_two_tills_at_once_never_goes_below_zero(runtime, bus, channel_session, operator_session):
    from concurrent.futures import ThreadPoolExecutor

    tills = [channel_session("pos"), channel_session("pos")]
    for round_ in range(8):
        card = issue_card(operator_session, 3000)
        orders = [order_id(), order_id()]
        for order in orders:
            bus.put("OrderPlaced", order_placed(order, total=2000, payment="in_store", customer=None))
        runtime.wait_idle(30)

        def redeem(n: int, code: str = card["code"], orders: list = orders, round_: int = round_):
            body = {"tender": "gift_card", "code": code, "amount": 2000, "currency": "EUR", "reference": f"till-{n}-{round_}"}
            return tills[n].post(f"/v1/payments/{orders[n]}/in-store", json=body)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(redeem, (0, 1)))
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        assert [a.json()["code"] for a in answers if a.status_code == 409] == ["insufficient_balance"]
        assert tills[0].post("/v1/gift-cards/balance", json={"code": card["code"]}).json()["balance"] == 1000


# --- failure, expiry, cancellation ----------------------------------------------------------------


def test_a_declined_card_raises_payment_failed_and_the_order_stays_payable(runtime, bus, shopper_session):
    order, shopper, intent = started_card(runtime, bus, shopper_session, "shopper-declined")
    runtime.stripe.confirm(intent, "pm_card_chargeDeclined")
    settle(runtime)
    assert [e["reason"] for e in bus.published("PaymentFailed", order)] == ["failed"]
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["state"], payment["balance_due"]) == ("failed", 4200)


def test_past_its_deadline_an_unpaid_order_expires_once_and_takes_no_more_money(runtime, bus, shopper_session):
    order = order_id()
    placed(runtime, bus, order, customer="shopper-late", pay_in=1)
    time.sleep(1.5)
    for _ in range(2):
        runtime.trigger_schedule("PaymentsDeadlineSweeper")
        runtime.wait_idle(30)
    assert [e["reason"] for e in bus.published("PaymentFailed", order)] == ["expired"]
    late = shopper_session("web", sub="shopper-late").post(f"/v1/payments/{order}/card", json={"currency": "EUR"})
    assert (late.status_code, late.json()["code"]) == (409, "order_closed")


def test_a_cancelled_order_voids_its_authorization_without_payment_failed(runtime, bus, shopper_session):
    order, shopper, intent = started_card(runtime, bus, shopper_session, "shopper-cancels")
    runtime.stripe.confirm(intent)
    settle(runtime)
    bus.put("OrderStatusChanged", status_changed(order, "cancelled", 3))
    settle(runtime)
    assert runtime.stripe.intents[intent]["status"] == "canceled"
    payment = shopper.get(f"/v1/payments/{order}").json()
    assert (payment["state"], len(entries(payment, "void"))) == ("voided", 1)
    assert bus.published("PaymentFailed", order) == []


# --- reconciliation --------------------------------------------------------------------------------


def test_the_daily_reconciliation_lists_mismatches_over_the_route_and_the_cli(runtime, bus, shopper_session, capsys):
    from datetime import UTC, datetime

    import omni_cli
    from omni_client import OmniClient

    order, shopper, intent = started_card(runtime, bus, shopper_session, "shopper-reconciled")
    runtime.stripe.confirm(intent)
    settle(runtime)
    bus.put("OrderStatusChanged", status_changed(order, "shipped", 3))
    settle(runtime)
    # A refund nobody asked Omni for (made in Stripe's dashboard), reported by Stripe's webhook.
    runtime.stripe.handle("POST", "/v1/refunds", {"payment_intent": intent, "amount": "100"}, {"Authorization": f"Bearer {runtime.stripe.api_key}"})
    settle(runtime)

    client = OmniClient(runtime.state())
    today = datetime.now(UTC).date().isoformat()
    report = client.operator("GET", "/v1/payments/reconciliation", params={"date": today}).json()
    mine = [(m["kind"], m["provider_reference"]) for m in report["mismatches"] if m["order_id"] == order]
    assert ("refund_without_request", intent) in mine, report
    assert ("refund_exceeds_captured", intent) not in mine
    assert report["provider_events"] >= 3 and report["orders_checked"] >= 1
    assert omni_cli.main(["--state", str(_state_file(runtime)), "reconcile", "--date", today]) == 1
    assert f"refund_without_request   order {order}" in capsys.readouterr().out


def _state_file(runtime):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "runtime.json"
    path.write_text(json.dumps(runtime.state()))
    return path


def test_gift_card_code_guessing_locks_the_caller_out_and_no_one_else(runtime, bus, channel_session, operator_session):
    from concurrent.futures import ThreadPoolExecutor

    from payments.logic.gift_cards import GUESS_LIMIT, new_code

    card = issue_card(operator_session, 1500)
    guesser, till = channel_session("marketplace"), channel_session("pos")
    assert guesser.post("/v1/gift-cards/balance", json={"code": card["code"]}).status_code == 200  # a right code costs nothing
    guessers = [channel_session("marketplace") for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:  # guesses at once cannot slip past the counter
        misses = list(pool.map(lambda n: guessers[n % 4].post("/v1/gift-cards/balance", json={"code": new_code()}), range(GUESS_LIMIT + 6)))
    assert sorted((answer.status_code, answer.json()["field"]) for answer in misses) == [(404, "code")] * GUESS_LIMIT + [(429, "code")] * 6
    locked = guesser.post("/v1/gift-cards/balance", json={"code": new_code()})
    assert (locked.status_code, locked.json()["code"], int(locked.headers["Retry-After"]) > 0) == (429, "too_many_code_attempts", True), locked.text
    assert guesser.post("/v1/gift-cards/balance", json={"code": card["code"]}).status_code == 429  # locked whatever the code
    answer = till.post("/v1/gift-cards/balance", json={"code": card["code"]})
    assert (answer.status_code, answer.json()["balance"]) == (200, 1500)
