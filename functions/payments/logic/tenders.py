"""Taking money for an order: by card or wallet through Stripe (the shopper confirms with Stripe
directly), with a gift card or store credit, or at the POS (cash, card-present, cards of Omni's ledger)."""

from __future__ import annotations

from kernel import clock
from kernel.auth import Caller
from kernel.errors import NotFound, PaymentRequired, Unprocessable
from payments.dal import inbox
from payments.dal import payments as store
from payments.logic import gift_cards, ledger
from payments.logic.ledger import Transition
from payments.logic.payments import apply, require_currency, require_payable, require_store, shoppers, snapshot_of, view
from payments.logic.policy import policy
from payments.models.payments import CardPaymentIn, CardPaymentOut, ConfirmIn, GiftCardPaymentIn, InStoreTenderIn, PaymentOut


def start_card_payment(order_id: str, caller: Caller, body: CardPaymentIn) -> CardPaymentOut:
    """A PaymentIntent for the balance due. A retry (same order, same amount due) gets the same intent:
    the idempotency key is the order, the number of intents before it and the amount."""
    from payments.dal import stripe_api

    snapshot = shoppers(order_id, caller)
    require_currency(snapshot, body.currency)
    require_payable(snapshot)
    snapshot = _supersede_open_intents(snapshot)
    due = ledger.totals(snapshot.order, snapshot.entries).balance_due
    if due == 0:
        raise Unprocessable(f"order {order_id} is covered: nothing is due", code="nothing_due", field="order_id")
    method = policy().capture_method(snapshot.order.channel)
    intent = stripe_api.create_intent(
        amount=due,
        currency=snapshot.order.currency,
        capture_method=method,
        metadata={"order_id": order_id, "payment_id": store.payment_id(order_id), "tender": "card"},
        idempotency_key=f"omni:{order_id}:intent:{len(snapshot.intents)}:{due}",
    )
    inbox.remember_reference("stripe", intent["id"], order_id)
    store.record_intent(order_id, intent["id"], due, snapshot.order.currency, clock.iso(clock.now()))
    return CardPaymentOut(order_id=order_id, payment_intent_id=intent["id"], client_secret=intent["client_secret"], amount=due, currency=snapshot.order.currency, capture_method=method)


def _supersede_open_intents(snapshot):
    """Cancel the order's earlier intents that hold no money, so that only the new one can be paid; one
    that Stripe authorized or paid meanwhile is recorded instead (it pays what it pays). The payment after."""
    from payments.dal import stripe_api
    from payments.logic.stripe_events import SUPERSEDED, intent_transitions

    order_id, after = snapshot.order.order_id, snapshot
    done = {ref for (provider, ref), tally in ledger.tallies(snapshot.entries).items() if provider == "stripe" and (tally.cancelled or tally.held or tally.captured or tally.voided)}
    for intent_id in snapshot.intents:
        if intent_id not in done:
            intent = stripe_api.cancel_if_open(intent_id, idempotency_key=f"omni:{order_id}:supersede:{intent_id}", reason=SUPERSEDED)
            after, _ = apply(order_id, intent_transitions(intent))
    return after


def confirm_card_payment(order_id: str, caller: Caller, body: ConfirmIn) -> PaymentOut:
    """The shopper's browser says Stripe confirmed: ask Stripe (never trust the browser) and apply what it says.
    A declined attempt is recorded (it moved no money) and answered 402: the order still awaits payment."""
    from payments.dal import stripe_api
    from payments.logic.stripe_events import decline_code, intent_transitions

    snapshot = shoppers(order_id, caller)
    if body.payment_intent_id not in snapshot.intents:
        raise NotFound(f"no payment intent {body.payment_intent_id} for order {order_id}", field="payment_intent_id")
    intent = stripe_api.retrieve_intent(body.payment_intent_id)
    after, _ = apply(order_id, intent_transitions(intent), raise_refused=True)
    declined = decline_code(intent)
    if declined is not None:
        due = ledger.totals(after.order, after.entries).balance_due
        raise PaymentRequired(f"Stripe declined the payment of order {order_id} ({declined})", decline_code=declined, balance_due=due, field="payment_intent_id")
    return view(after)


def pay_with_card_code(order_id: str, caller: Caller, body: GiftCardPaymentIn) -> PaymentOut:
    snapshot = shoppers(order_id, caller)
    return _redeem(snapshot, None, body.code, body.amount, body.currency, f"shopper:{caller.customer_id}", body.reference)


def take_in_store(order_id: str, caller: Caller, body: InStoreTenderIn) -> PaymentOut:
    require_store(caller)
    snapshot = snapshot_of(order_id)
    scope = f"channel:{caller.channel.id}"
    if body.tender in ("gift_card", "store_credit"):
        if body.code is None:
            raise Unprocessable(f"a {body.tender} tender needs its code", field="code", errors=[{"in": "body", "field": "code", "type": "missing"}])
        return _redeem(snapshot, body.tender, body.code, body.amount, body.currency, scope, body.reference)
    change = None
    details: dict = {"till_reference": body.reference, "channel": caller.channel.id}
    if body.tender == "cash":
        tendered = body.tendered if body.tendered is not None else body.amount
        if tendered < body.amount:
            raise Unprocessable(f"the shopper handed over {tendered}, less than {body.amount}", field="tendered", errors=[{"in": "body", "field": "tendered", "type": "less_than_amount"}])
        change = tendered - body.amount
        details |= {"tendered": tendered, "change": change}
    require_currency(snapshot, body.currency)
    known = {e.transition.key for e in snapshot.entries}
    transitions = [
        Transition(kind=kind, provider="pos", reference=f"{caller.channel.id}:{body.reference}", tender=body.tender, amount=body.amount, currency=body.currency, details=details)
        for kind in ("authorize", "capture")
    ]
    if transitions[1].key not in known:  # a retry of a recorded tender gets its answer, whatever is due now
        require_payable(snapshot, body.amount)
    after, _ = apply(order_id, transitions, raise_refused=True, within_due=True)
    return view(after, change=change)


def _redeem(snapshot, kind, code, amount, currency, scope, reference) -> PaymentOut:
    order_id = snapshot.order.order_id
    require_currency(snapshot, currency)
    transitions, debit = gift_cards.redemption(code, kind, amount, currency, scope, reference, order_id)
    if transitions[1].key not in {e.transition.key for e in snapshot.entries}:
        require_payable(snapshot, amount)
    after, _ = apply(order_id, transitions, debit, raise_refused=True, within_due=True)
    return view(after)
