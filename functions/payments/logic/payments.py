"""One payment per order: applying transitions to its log exactly once, and the routes' flows.

Every change reads the order's partition (one query), plans the new entries with the pure rules of
`payments.logic.ledger`, and writes them in one transaction guarded by the log's version. Two writers
racing (the shopper's confirm call and Stripe's webhook, two tills) cannot both pass the guard: the
loser reads again, finds the entries written, and writes nothing. OrderPaid comes from the PAID item,
put once in the transaction whose entries first cover the order.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from kernel import clock, table
from kernel.auth import Caller
from kernel.errors import Conflict, Forbidden, NotFound, Unprocessable
from payments.dal import payments as store
from payments.logic import ledger
from payments.logic.ledger import Plan, Snapshot, Transition
from payments.models.payments import LogEntry, PaymentOut

ATTEMPTS = 12
ExtraOperations = Callable[[Plan], list[dict]]


class PaymentRefused(Unprocessable):
    """A transition the ledger refuses (amount or currency mismatch, more than is open or captured)."""


class InsufficientBalance(Conflict):
    code, title = "insufficient_balance", "Insufficient balance"


def snapshot_of(order_id: str) -> Snapshot:
    found = store.read(order_id)
    if found is None:
        raise NotFound(f"no payment for order {order_id}: unknown order", field="order_id")
    return found


def shoppers(order_id: str, caller: Caller) -> Snapshot:
    """The order, if it is the calling shopper's (any other order is as unknown as a missing one)."""
    found = store.read(order_id)
    if found is None or found.order.customer_id is None or found.order.customer_id != caller.customer_id:
        raise NotFound(f"no payment for order {order_id}: unknown order", field="order_id")
    return found


def apply(order_id: str, transitions: Iterable[Transition], extra: ExtraOperations | None = None, *, raise_refused: bool = False, within_due: bool = False) -> tuple[Snapshot, Plan]:
    """Apply `transitions` once; (the payment after them, the plan). A refusal writes alerts and nothing
    else (raised as PaymentRefused when `raise_refused`)."""
    transitions = list(transitions)
    for attempt in range(ATTEMPTS):
        snapshot = snapshot_of(order_id)
        now = clock.iso(clock.now())
        plan = ledger.plan(snapshot, transitions, now, within_due=within_due)
        if plan.refused:
            store.record_alerts(order_id, plan.alerts, now)
            if raise_refused:
                alert = plan.alerts[0]
                if alert.kind == "amount_above_balance_due":
                    raise Conflict(alert.detail, code=alert.kind, field="amount")
                raise PaymentRefused(alert.detail, code=alert.kind, field="currency" if alert.kind == "currency_mismatch" else "amount")
            return snapshot, plan
        if not plan.entries and not plan.paid and not plan.clear_deadline:
            return snapshot, plan  # applied before
        if not plan.entries and not plan.paid:  # only the deadline to retire (paid or expired before)
            try:
                store.clear_deadline(snapshot)
                return snapshot, plan
            except table.Rejected:
                continue
        operations = extra(plan) if extra and plan.entries else []
        try:
            store.append(snapshot, plan, now, operations)
            return replace(snapshot, entries=(*snapshot.entries, *plan.entries), paid=snapshot.paid or plan.paid), plan
        except table.Rejected as rejected:
            if rejected.reasons and rejected.reasons[0].code is None and operations:
                raise InsufficientBalance("the card's balance does not cover this amount", field="amount") from None
            time.sleep(random.uniform(0, 0.005 * 2 ** min(attempt, 6)))  # someone wrote the log in between
    raise Conflict(f"the payment of order {order_id} is busy: try again", code="contention")


def view(snapshot: Snapshot, change: int | None = None) -> PaymentOut:
    order = snapshot.order
    totals = ledger.totals(order, snapshot.entries)
    log = [
        LogEntry(
            n=e.n,
            kind=e.transition.kind,
            tender=e.transition.tender,
            method=e.transition.details.get("method") or (e.transition.tender if e.transition.provider != "stripe" else None),
            provider=e.transition.provider,
            provider_reference=e.transition.reference,
            amount=e.transition.amount,
            at=e.at,
        )
        for e in sorted(snapshot.entries, key=lambda e: e.n)
    ]
    return PaymentOut(
        payment_id=store.payment_id(order.order_id),
        order_id=order.order_id,
        state=ledger.state(snapshot),
        currency=order.currency,
        grand_total=order.grand_total,
        authorized=totals.authorized,
        captured=totals.captured,
        refunded=totals.refunded,
        disputed=totals.disputed,
        charged_back=totals.charged_back,
        balance_due=totals.balance_due,
        paid=snapshot.paid,
        tenders=list(totals.tenders),
        methods=ledger.methods(snapshot.entries),
        log=log,
        change=change,
    )


def current(order_id: str) -> PaymentOut:
    return view(snapshot_of(order_id))


def require_currency(snapshot: Snapshot, currency: str) -> None:
    if currency != snapshot.order.currency:
        raise Unprocessable(f"the order is in {snapshot.order.currency}, not {currency}", code="currency_mismatch", field="currency")


def require_payable(snapshot: Snapshot, amount: int | None = None) -> None:
    """Money can be taken for an order that is neither closed nor past its deadline, up to what is due."""
    if snapshot.order.status in ledger.CLOSED_STATUSES or ledger.expired(snapshot.entries):
        raise Conflict(f"order {snapshot.order.order_id} is {snapshot.order.status if not ledger.expired(snapshot.entries) else 'past its payment deadline'}", code="order_closed")
    if snapshot.order.payment == "prepaid":
        raise Conflict(f"order {snapshot.order.order_id} was paid on its channel", code="order_prepaid")
    due = ledger.totals(snapshot.order, snapshot.entries).balance_due
    if amount is not None and amount > due:
        raise Unprocessable(f"the balance due is {due}", code="amount_above_balance_due", field="amount", balance_due=due)


def require_store(caller: Caller) -> None:
    if caller.channel is None or caller.channel.kind != "store":
        raise Forbidden("in-store tenders are taken by store (POS) channels only")
