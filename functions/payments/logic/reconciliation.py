"""The daily reconciliation: provider events, the ledger and what payments knows of each order, compared.

Everything written on a day carries gsi2 = DAY#<date>, so the report is one query for the day plus one per
order involved (no scan). Each mismatch names its kind, the order and what is wrong:
  event_not_applied        a provider event stored but not (successfully) applied
  alert                    something refused that day (amount or currency mismatch, unknown reference…)
  captured_not_paid        money captured for an order never marked paid
  paid_without_cover       marked paid although the log does not cover the grand total
  overpaid                 more held than the grand total (e.g. two intents both authorized: paid twice)
  refund_without_request   a refund in the log that no refund plan asked for (e.g. made in a dashboard)
  refund_exceeds_captured  more refunded than captured
  not_captured             shipped or collected, yet authorized money still open
  cancelled_not_refunded   cancelled, yet captured money not refunded nor planned
  dispute_open             a chargeback still open: the amount is held until it is won or lost
  charged_back             a dispute lost: the money went back to the shopper outside any refund
"""

from __future__ import annotations

from payments.dal import payments as store
from payments.logic import ledger
from payments.logic.settlement import CAPTURE_ON
from payments.models.payments import Mismatch, Reconciliation


def report(day: str) -> Reconciliation:
    items = store.on_day(day)
    mismatches: list[Mismatch] = []
    orders: set[str] = set()
    events = entries = 0
    for item in items:
        kind = item.get("type")
        if kind == "provider_event":
            events += 1
            if item.get("outcome") not in ("applied", "ignored"):
                state = item.get("outcome") or "not applied yet"
                mismatches.append(Mismatch(kind="event_not_applied", order_id=None, provider_reference=item["event_id"], detail=f"{item['event_type']}: {state}"))
        elif kind == "alert":
            mismatches.append(Mismatch(kind="alert", order_id=item.get("order_id"), provider_reference=item.get("reference"), detail=f"{item['kind']}: {item['detail']}"))
        elif item.get("order_id"):
            entries += kind == "entry"
            orders.add(item["order_id"])
    for order_id in sorted(orders):
        snapshot = store.read(order_id)
        if snapshot is not None:
            mismatches.extend(order_mismatches(snapshot))
    return Reconciliation(date=day, provider_events=events, ledger_entries=entries, orders_checked=len(orders), mismatches=mismatches)


def order_mismatches(snapshot: ledger.Snapshot) -> list[Mismatch]:
    order, found = snapshot.order, []
    totals = ledger.totals(order, snapshot.entries)

    def add(kind: str, detail: str, reference: str | None = None) -> None:
        found.append(Mismatch(kind=kind, order_id=order.order_id, provider_reference=reference, detail=detail))

    if totals.captured and not snapshot.paid:
        add("captured_not_paid", f"{totals.captured} captured, the order was never paid")
    if snapshot.paid and totals.covered < order.grand_total and not totals.refunded:
        add("paid_without_cover", f"paid, but only {totals.covered} of {order.grand_total} is held")
    if totals.covered > order.grand_total:
        add("overpaid", f"{totals.covered} held for a grand total of {order.grand_total}")
    planned = {plan.refund_id for plan in snapshot.refunds}
    for entry in snapshot.entries:
        t = entry.transition
        if t.kind == "refund" and t.details.get("refund_id") not in planned:
            add("refund_without_request", f"refund of {t.amount} that no return or cancellation asked for", t.reference)
    for tally in ledger.tallies(snapshot.entries).values():
        if tally.refunded > tally.captured:
            add("refund_exceeds_captured", f"{tally.refunded} refunded of {tally.captured} captured", tally.reference)
        if order.status in CAPTURE_ON and tally.capturable > 0:
            add("not_captured", f"{order.status}, yet {tally.capturable} is still only authorized", tally.reference)
    for tally in ledger.tallies(snapshot.entries).values():
        if tally.disputed_open:
            add("dispute_open", f"{tally.disputed_open} held by an open dispute", tally.reference)
        if tally.dispute_lost:
            add("charged_back", f"{tally.dispute_lost} lost to a dispute", tally.reference)
    if order.status == "cancelled" and sum(ledger.refundable_by_reference(snapshot).values()) > 0:
        add("cancelled_not_refunded", f"cancelled, {sum(ledger.refundable_by_reference(snapshot).values())} captured and not refunded")
    return found
