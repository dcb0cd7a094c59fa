"""Which payments events an item change means (the outbox mapper: pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterator

from kernel.envelope import DomainEvent
from kernel.outbox import Change
from payments.models.events import (
    OrderPaid,
    PaymentAlert,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentDisputeClosed,
    PaymentDisputed,
    PaymentFailed,
    RefundedTender,
    RefundIssued,
)

FAILURE_REASONS = {"fail": "failed", "cancel": "cancelled", "expire": "expired"}


def events_from_change(change: Change) -> Iterator[DomainEvent]:
    new, old = change.new, change.old
    if new is None:
        return
    kind = new.get("type")
    if kind == "refund" and new.get("issued") and not (old or {}).get("issued"):
        yield _refund_issued(new)
    if old is not None:
        return  # entries, markers and alerts are written once
    if kind == "entry":
        yield from _entry_events(new)
    elif kind == "paid":
        yield OrderPaid(order_id=new["order_id"], amount=new["amount"], currency=new["currency"], tenders=new["tenders"])
    elif kind == "alert":
        yield PaymentAlert(kind=new["kind"], provider=new["provider"], provider_reference=new["reference"], order_id=new.get("order_id"), detail=new["detail"])


def _entry_events(entry: dict) -> Iterator[DomainEvent]:
    common = {"payment_id": entry["payment_id"], "order_id": entry["order_id"]}
    if entry["kind"] == "authorize":
        yield PaymentAuthorized(
            **common,
            tender=entry["tender"],
            provider=entry["provider"],
            provider_reference=entry["reference"],
            amount=entry["amount"],
            currency=entry["currency"],
            authorized_total=entry["authorized_total"],
        )
    elif entry["kind"] == "capture":
        yield PaymentCaptured(**common, amount=entry["amount"], currency=entry["currency"], captured_total=entry["captured_total"])
    elif entry["kind"] == "dispute":
        disputed = {"dispute_id": entry["suffix"], "provider_reference": entry["reference"], "amount": entry["amount"], "currency": entry["currency"]}
        yield PaymentDisputed(**common, **disputed, reason=(entry.get("details") or {}).get("reason") or "general")
    elif entry["kind"] in ("dispute_won", "dispute_lost"):
        closed = {"dispute_id": entry["suffix"], "provider_reference": entry["reference"], "amount": entry["amount"], "currency": entry["currency"]}
        yield PaymentDisputeClosed(**common, **closed, outcome=entry["kind"].removeprefix("dispute_"))
    elif entry["kind"] in FAILURE_REASONS and entry.get("announce"):
        yield PaymentFailed(order_id=entry["order_id"], reason=FAILURE_REASONS[entry["kind"]], at=entry["at"])


def _refund_issued(refund: dict) -> RefundIssued:
    by_tender: dict[str, int] = {}
    for step in refund["steps"]:
        by_tender[step["tender"]] = by_tender.get(step["tender"], 0) + step["amount"]
    tenders = [RefundedTender(tender=tender, amount=amount) for tender, amount in by_tender.items()]
    return RefundIssued(refund_id=refund["refund_id"], order_id=refund["order_id"], amount=refund["amount"], currency=refund["currency"], tenders=tenders)
