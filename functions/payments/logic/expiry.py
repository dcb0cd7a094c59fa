"""Payment deadlines: an online order not covered by its `pay_by` gets PaymentFailed(expired).

Orders still awaiting payment carry a sparse index entry (gsi1: DUE#<bucket> / <pay_by>#<order>) that the
write covering them removes, so the sweeper, every minute, queries only what is due: no scan, and within
a minute of the deadline (DynamoDB TTL may take days to delete an item, so it cannot time anything).
"""

from __future__ import annotations

from kernel import clock
from payments.dal import payments as store
from payments.logic.ledger import Transition
from payments.logic.payments import apply


def expire_due() -> int:
    now = clock.iso(clock.now())
    expired = 0
    for bucket in range(store.DEADLINE_BUCKETS):
        for order_id in store.due(f"DUE#{bucket}", now):
            _, plan = apply(order_id, [Transition(kind="expire", provider="omni", reference=order_id, tender="none")])
            expired += sum(1 for entry in plan.entries if entry.transition.kind == "expire")
    return expired
