"""The one small interface every tender's provider implements, chosen by the provider of each log
reference: capture what is authorized, void what is open, refund what was captured. Each returns the
transitions for the ledger (and, for Omni's own ledger, the balance operations of the same transaction).

- stripe: cards and wallets through the SDK; every call's idempotency key is derived from Omni's ids,
  so a retried Lambda gets Stripe's first answer instead of a second charge or refund;
- pos: cash and card-present tenders the till took (captured when taken; refunds are paid out at a till);
- ledger: gift cards and store credit (taken at once; refunds credit the card back).
"""

from __future__ import annotations

from typing import Protocol

from kernel import clock
from payments.dal import gift_cards
from payments.logic.ledger import Plan, RefundStep, Snapshot, Tally, Transition
from payments.logic.payments import ExtraOperations


class Provider(Protocol):
    def capture(self, order_id: str, tally: Tally) -> list[Transition]: ...

    def void(self, order_id: str, tally: Tally) -> list[Transition]: ...

    def refund(self, snapshot: Snapshot, step: RefundStep, refund_id: str) -> tuple[list[Transition], ExtraOperations | None]: ...


def _refund(step: RefundStep, refund_id: str, suffix: str, amount: int, currency: str) -> Transition:
    return Transition(kind="refund", provider=step.provider, reference=step.reference, tender=step.tender, amount=amount, currency=currency, suffix=suffix, details={"refund_id": refund_id})


class StripeTenders:
    def capture(self, order_id: str, tally: Tally) -> list[Transition]:
        from payments.dal import stripe_api
        from payments.logic.stripe_events import intent_transitions

        intent = stripe_api.capture(tally.reference, tally.capturable, idempotency_key=f"omni:{order_id}:capture:{tally.reference}")
        return intent_transitions(intent)

    def void(self, order_id: str, tally: Tally) -> list[Transition]:
        from payments.dal import stripe_api
        from payments.logic.stripe_events import intent_transitions

        intent = stripe_api.cancel(tally.reference, idempotency_key=f"omni:{order_id}:void:{tally.reference}")
        return intent_transitions(intent)

    def refund(self, snapshot, step, refund_id):
        from payments.dal import stripe_api

        order_id = snapshot.order.order_id
        refund = stripe_api.refund(step.reference, step.amount, {"order_id": order_id, "refund_id": refund_id}, idempotency_key=f"omni:{order_id}:refund:{refund_id}:{step.reference}")
        return [_refund(step, refund_id, refund["id"], refund["amount"], (refund.get("currency") or snapshot.order.currency).upper())], None


class TillTenders:
    def capture(self, order_id, tally):
        return []  # taken at the till

    def void(self, order_id, tally):
        return [Transition(kind="void", provider=tally.provider, reference=tally.reference, tender=tally.tender, amount=tally.capturable)]

    def refund(self, snapshot, step, refund_id):
        return [_refund(step, refund_id, refund_id, step.amount, snapshot.order.currency)], None


class LedgerTenders:
    def capture(self, order_id, tally):
        return []  # taken at once

    def void(self, order_id, tally):
        return []

    def refund(self, snapshot, step, refund_id):
        card = next(e.transition.details for e in snapshot.entries if e.transition.reference == step.reference and e.transition.details.get("card_key"))

        def credit(plan: Plan) -> list[dict]:
            return gift_cards.credit(card["card_key"], step.amount, f"refund#{snapshot.order.order_id}#{refund_id}#{step.reference}", snapshot.order.order_id, clock.iso(clock.now()))

        return [_refund(step, refund_id, refund_id, step.amount, snapshot.order.currency)], credit


PROVIDERS: dict[str, Provider] = {"stripe": StripeTenders(), "pos": TillTenders(), "ledger": LedgerTenders()}
