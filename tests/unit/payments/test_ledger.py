"""The payment's rules over its log (pure): idempotency per (provider, reference, transition), refusals,
out-of-order events, derived state, refund plans."""

from __future__ import annotations

import pytest

from payments.logic import ledger, stripe_events
from payments.logic.ledger import Entry, Order, RefundPlan, Snapshot, Transition

ORDER = Order(order_id="o-1", channel="web", currency="EUR", grand_total=5000, payment="online", customer_id="alice")
NOW = "2026-12-02T10:00:00.000000Z"


def intent(status: str, amount: int = 5000, received: int = 0, currency: str = "eur") -> dict:
    return {"id": "pi_1", "amount": amount, "amount_received": received, "currency": currency, "status": status, "metadata": {"order_id": "o-1"}}


def applied(snapshot: Snapshot, transitions, **options) -> Snapshot:
    plan = ledger.plan(snapshot, transitions, NOW, **options)
    assert not plan.refused, plan.alerts
    return Snapshot(order=snapshot.order, entries=(*snapshot.entries, *plan.entries), paid=snapshot.paid or plan.paid, intents=snapshot.intents, refunds=snapshot.refunds)


def test_an_authorization_covering_the_order_pays_it_once_and_a_repeat_adds_nothing():
    start = Snapshot(ORDER, intents={"pi_1": 5000})
    plan = ledger.plan(start, stripe_events.intent_transitions(intent("requires_capture")), NOW)
    assert ([e.transition.kind for e in plan.entries], plan.paid, plan.clear_deadline) == (["authorize"], True, True)
    after = applied(start, stripe_events.intent_transitions(intent("requires_capture")))
    again = ledger.plan(after, stripe_events.intent_transitions(intent("requires_capture")), NOW)
    assert (again.entries, again.paid, again.refused) == ([], False, False)


def test_captured_before_authorized_ends_captured_and_the_late_authorization_is_a_no_op():
    start = Snapshot(ORDER, intents={"pi_1": 5000})
    captured = applied(start, stripe_events.intent_transitions(intent("succeeded", received=5000)))
    late = ledger.plan(captured, stripe_events.intent_transitions(intent("requires_capture")), NOW)
    assert (late.entries, late.refused) == ([], False)
    assert ledger.state(captured) == "captured" and captured.paid


def test_the_same_reference_with_another_amount_is_refused_with_an_alert_and_writes_nothing():
    start = Snapshot(ORDER, intents={"pi_1": 5000})
    plan = ledger.plan(start, stripe_events.intent_transitions(intent("requires_capture", amount=4000)), NOW)
    assert (plan.entries, [a.kind for a in plan.alerts]) == ([], ["amount_mismatch"])
    authorized = applied(start, stripe_events.intent_transitions(intent("requires_capture")))
    plan = ledger.plan(authorized, stripe_events.intent_transitions(intent("succeeded", received=5000, amount=4999)), NOW)
    assert (plan.entries, [a.kind for a in plan.alerts]) == ([], ["amount_mismatch"])


def test_a_till_reference_recorded_before_with_another_amount_is_refused():
    cash = [Transition(k, "pos", "pos:r1", "cash", 2000, "EUR") for k in ("authorize", "capture")]
    recorded = applied(Snapshot(ORDER), cash)
    again = ledger.plan(recorded, [Transition(k, "pos", "pos:r1", "cash", 2500, "EUR") for k in ("authorize", "capture")], NOW)
    assert (again.entries, [a.kind for a in again.alerts]) == ([], ["amount_mismatch"])
    assert ledger.plan(recorded, cash, NOW).entries == []


def test_another_currency_is_refused():
    plan = ledger.plan(Snapshot(ORDER), stripe_events.intent_transitions(intent("requires_capture", currency="usd")), NOW)
    assert (plan.entries, [a.kind for a in plan.alerts]) == ([], ["currency_mismatch"])


def test_a_partial_capture_releases_the_rest():
    start = applied(Snapshot(ORDER, intents={"pi_1": 5000}), stripe_events.intent_transitions(intent("requires_capture")))
    after = applied(start, stripe_events.intent_transitions(intent("succeeded", received=3000)))
    totals = ledger.totals(ORDER, after.entries)
    assert (totals.captured, totals.voided, ledger.tallies(after.entries)[("stripe", "pi_1")].capturable) == (3000, 2000, 0)


def test_a_cancel_of_an_authorized_intent_is_a_void_and_raises_no_payment_failed_once_paid():
    start = applied(Snapshot(ORDER, intents={"pi_1": 5000}), stripe_events.intent_transitions(intent("requires_capture")))
    plan = ledger.plan(start, stripe_events.intent_transitions(intent("canceled")), NOW)
    assert [(e.transition.kind, e.transition.amount, e.announce) for e in plan.entries] == [("void", 5000, False)]
    never = ledger.plan(Snapshot(ORDER), stripe_events.intent_transitions(intent("canceled")), NOW)
    assert [(e.transition.kind, e.announce) for e in never.entries] == [("cancel", True)]


def test_tills_and_gift_cards_may_not_take_more_than_is_due():
    cash = [Transition("authorize", "pos", "pos:r1", "cash", 6000, "EUR"), Transition("capture", "pos", "pos:r1", "cash", 6000, "EUR")]
    plan = ledger.plan(Snapshot(ORDER), cash, NOW, within_due=True)
    assert [(a.kind, a.notify) for a in plan.alerts] == [("amount_above_balance_due", False)]


def test_no_capture_beyond_what_is_authorized_and_open():
    plan = ledger.plan(Snapshot(ORDER), [Transition("capture", "stripe", "pi_9", "card", 100, "EUR")], NOW)
    assert [a.kind for a in plan.alerts] == ["over_capture"]


def test_past_the_deadline_an_uncovered_order_expires_and_a_covered_one_only_drops_its_deadline():
    expire = [Transition("expire", "omni", "o-1", "none")]
    plan = ledger.plan(Snapshot(ORDER), expire, NOW)
    assert ([(e.transition.kind, e.announce) for e in plan.entries], plan.clear_deadline) == ([("expire", True)], True)
    paid = applied(Snapshot(ORDER, intents={"pi_1": 5000}), stripe_events.intent_transitions(intent("requires_capture")))
    plan = ledger.plan(paid, expire, NOW)
    assert (plan.entries, plan.clear_deadline) == ([], True)


def _split() -> Snapshot:
    gift = [Transition(k, "ledger", "gc_1:r", "gift_card", 3000, "EUR", details={"card_key": "h"}) for k in ("authorize", "capture")]
    card = [Transition(k, "stripe", "pi_1", "card", 2000, "EUR") for k in ("authorize", "capture")]
    return applied(applied(Snapshot(ORDER), gift), card)


@pytest.mark.parametrize(
    ("order", "expected"),
    [(("card", "gift_card"), [("card", 2000), ("gift_card", 1500)]), (("gift_card", "card"), [("gift_card", 3000), ("card", 500)])],
)
def test_a_refund_follows_the_configured_tender_order(order, expected):
    plan = ledger.plan_refund(_split(), "ret-1", 3500, "return", order)
    assert [(step.tender, step.amount) for step in plan.steps] == expected


def test_a_refund_never_exceeds_what_is_captured_counting_other_plans():
    snapshot = _split()
    planned = ledger.plan_refund(snapshot, "ret-1", 4000, "return", ("card", "gift_card"))
    with_plan = Snapshot(snapshot.order, snapshot.entries, snapshot.paid, refunds=(planned,))
    with pytest.raises(ledger.RefundTooLarge) as refused:
        ledger.plan_refund(with_plan, "ret-2", 1001, "return", ("card", "gift_card"))
    assert refused.value.refundable == 1000
    assert isinstance(planned, RefundPlan) and sum(s.amount for s in planned.steps) == 4000


def test_state_is_derived_from_the_log():
    assert ledger.state(Snapshot(ORDER)) == "pending"
    refunded = Snapshot(ORDER, (*_split().entries, Entry(Transition("refund", "stripe", "pi_1", "card", 2000, "EUR", suffix="re_1"), 9, NOW)))
    assert ledger.state(refunded) == "partially_refunded"
