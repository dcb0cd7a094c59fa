"""What happens to the money as the order moves: capture when it ships or is collected, void and refund
when it is cancelled, refunds when orders asks for one (returns). Each step is idempotent: it acts on the
log as it finds it, and every provider call carries a key derived from Omni's ids."""

from __future__ import annotations

from kernel import clock, table
from kernel.errors import Conflict, IdempotencyKeyReused, Unprocessable
from payments.dal import payments as store
from payments.logic import ledger
from payments.logic.ledger import RefundTooLarge
from payments.logic.payments import apply, require_currency, snapshot_of
from payments.logic.policy import policy
from payments.logic.providers import PROVIDERS
from payments.models.payments import RefundOut, RefundStepOut

CAPTURE_ON = ("shipped", "collected", "delivered", "closed")


def capture_authorized(order_id: str) -> None:
    for tally in ledger.tallies(snapshot_of(order_id).entries).values():
        if tally.capturable > 0:
            apply(order_id, PROVIDERS[tally.provider].capture(order_id, tally))


def cancel(order_id: str) -> None:
    """A cancelled order: release what is authorized and give back what was taken."""
    for tally in ledger.tallies(snapshot_of(order_id).entries).values():
        if tally.capturable > 0:
            apply(order_id, PROVIDERS[tally.provider].void(order_id, tally))
    snapshot = snapshot_of(order_id)
    refund_id = f"cancel-{order_id}"
    planned = next((plan for plan in snapshot.refunds if plan.refund_id == refund_id), None)
    left = sum(ledger.refundable_by_reference(snapshot).values())
    if planned is not None or left > 0:
        refund(order_id, refund_id, planned.amount if planned else left, snapshot.order.currency, "cancellation")


def follow_status(order_id: str) -> None:
    status = snapshot_of(order_id).order.status
    if status in CAPTURE_ON:
        capture_authorized(order_id)
    elif status == "cancelled":
        cancel(order_id)


def refund(order_id: str, refund_id: str, amount: int, currency: str, reason: str) -> RefundOut:
    """Plan the refund once over the tenders (policy's tender order), then carry out each step not done yet."""
    for _ in range(8):
        snapshot = snapshot_of(order_id)
        planned = next((plan for plan in snapshot.refunds if plan.refund_id == refund_id), None)
        if planned is not None:
            if (planned.amount, planned.currency) != (amount, currency):
                raise IdempotencyKeyReused(f"refund {refund_id} was asked before for {planned.amount} {planned.currency}", field="refund_id")
            break
        require_currency(snapshot, currency)
        try:
            planned = ledger.plan_refund(snapshot, refund_id, amount, reason, policy().refund_order)
        except RefundTooLarge as error:
            raise Unprocessable(f"only {error.refundable} is captured and not refunded", code="refund_exceeds_captured", field="amount", refundable=error.refundable) from None
        try:
            store.put_refund(snapshot, planned, clock.iso(clock.now()))
            break
        except table.Rejected:
            continue  # the log moved, or a racing plan of the same id: read and plan again
    else:
        raise Conflict(f"the payment of order {order_id} is busy: try again", code="contention")
    for step in planned.steps:
        snapshot = snapshot_of(order_id)
        if not ledger.step_done(snapshot, refund_id, step):
            transitions, extra = PROVIDERS[step.provider].refund(snapshot, step, refund_id)
            apply(order_id, transitions, extra)
    snapshot = snapshot_of(order_id)
    done = [ledger.step_done(snapshot, refund_id, step) for step in planned.steps]
    if all(done) and not planned.issued:
        store.mark_refund_issued(order_id, refund_id)
    return RefundOut(
        refund_id=refund_id,
        order_id=order_id,
        amount=planned.amount,
        currency=planned.currency,
        issued=all(done),
        steps=[RefundStepOut(tender=step.tender, amount=step.amount, done=flag) for step, flag in zip(planned.steps, done, strict=True)],
    )
