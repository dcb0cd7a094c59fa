"""The payment of each order: the only code that knows its keys. Items of partition PAY#<order_id>:
  ORDER                       payments' copy of the order (OrderPlaced, OrderStatusChanged) and `version`,
                              the log's lock; gsi1 (DUE#<bucket> / <pay_by>#<order>) while payment is due
  TX#<provider>#<ref>#<kind>  one log entry: the key is the idempotency of (provider, reference, transition)
  PAID                        written once, when money first covers the order (→ OrderPaid)
  INTENT#<payment intent>     a Stripe PaymentIntent Omni created, with the amount it asked for
  REFUND#<refund id>          a refund's plan over the tenders, `issued` once every step is done
  ALERT#<kind>#<digest>       something refused that an operator should see (→ PaymentAlert)
Entries, PAID, refunds and alerts carry gsi2 (DAY#<date> / <kind>#<time>#<order>) for the daily reconciliation.
"""

from __future__ import annotations

import hashlib
import zlib

from kernel import table
from kernel.context import correlation_id
from payments.logic.ledger import Alert, Entry, Order, Plan, RefundPlan, RefundStep, Snapshot, Transition, totals

DEADLINE_BUCKETS = 4
ORDER_FIELDS = ("order_id", "channel", "currency", "grand_total", "payment", "customer_id", "pay_by", "status", "status_version", "version", "placed_at")


def _pk(order_id: str) -> str:
    return f"PAY#{order_id}"


def order_key(order_id: str) -> dict:
    return {"pk": _pk(order_id), "sk": "ORDER"}


def _day(moment: str) -> dict:
    return {"gsi2pk": f"DAY#{moment[:10]}"}


def deadline_bucket(order_id: str) -> str:
    return f"DUE#{zlib.crc32(order_id.encode()) % DEADLINE_BUCKETS}"


# --- reading ---------------------------------------------------------------------------------


def read(order_id: str) -> Snapshot | None:
    """The order and its whole log: one consistent query of its partition."""
    items = table.query(_pk(order_id))
    head = next((item for item in items if item["sk"] == "ORDER"), None)
    if head is None:
        return None
    return Snapshot(
        order=Order(**{name: head.get(name) for name in ORDER_FIELDS if head.get(name) is not None}),
        entries=tuple(_entry(item) for item in items if item["sk"].startswith("TX#")),
        paid=any(item["sk"] == "PAID" for item in items),
        intents={item["intent_id"]: item["amount"] for item in items if item["sk"].startswith("INTENT#")},
        refunds=tuple(_refund(item) for item in items if item["sk"].startswith("REFUND#")),
    )


def _entry(item: dict) -> Entry:
    transition = Transition(
        kind=item["kind"],
        provider=item["provider"],
        reference=item["reference"],
        tender=item["tender"],
        amount=item.get("amount"),
        currency=item.get("currency"),
        suffix=item.get("suffix", ""),
        details=item.get("details") or {},
    )
    return Entry(transition, n=item["n"], at=item["at"], announce=item.get("announce", False), authorized_total=item.get("authorized_total", 0), captured_total=item.get("captured_total", 0))


def _refund(item: dict) -> RefundPlan:
    steps = tuple(RefundStep(**step) for step in item["steps"])
    return RefundPlan(refund_id=item["refund_id"], amount=item["amount"], currency=item["currency"], reason=item["reason"], steps=steps, issued=item.get("issued", False))


def due(bucket: str, now: str) -> list[str]:
    """Orders of one deadline bucket whose payment deadline has passed (gsi1 holds only unpaid ones)."""
    return [item["order_id"] for item in table.query(bucket, index="gsi1", sk_upto=f"{now}#\uffff")]


def on_day(day: str) -> list[dict]:
    return table.query(f"DAY#{day}", index="gsi2")


# --- writing ---------------------------------------------------------------------------------


def record_order(order: Order) -> bool:
    """Payments' copy of a placed order, once (False: known already)."""
    item = {**order_key(order.order_id), "type": "order", "seq": 1, "correlation_id": correlation_id()}
    item.update({name: getattr(order, name) for name in ORDER_FIELDS if getattr(order, name) is not None})
    if order.payment == "online" and order.pay_by:
        item.update(gsi1pk=deadline_bucket(order.order_id), gsi1sk=f"{order.pay_by}#{order.order_id}")
    return table.put_now(item)


def record_status(order_id: str, status: str, version: int) -> bool:
    """Keep the newest status (False: unknown order, or this version is not newer)."""
    found = table.update_now(
        order_key(order_id),
        "SET #status = :status, status_version = :v ADD version :one, seq :one",
        condition="attribute_exists(pk) AND status_version < :v",
        values={":status": status, ":v": version, ":one": 1},
        names={"#status": "status"},
    )
    return found is not None


def _head_guard(snapshot: Snapshot, plan: Plan | None = None) -> dict:
    expression = "SET version = :next ADD seq :one"
    if plan is not None and plan.clear_deadline:
        expression += " REMOVE gsi1pk, gsi1sk"
    return table.update(order_key(snapshot.order.order_id), expression, condition="version = :version", values={":version": snapshot.order.version, ":next": snapshot.order.version + 1, ":one": 1})


def entry_item(order_id: str, entry: Entry) -> dict:
    t = entry.transition
    item = {
        "pk": _pk(order_id),
        "sk": f"TX#{t.key}",
        "type": "entry",
        "order_id": order_id,
        "payment_id": payment_id(order_id),
        "kind": t.kind,
        "provider": t.provider,
        "reference": t.reference,
        "tender": t.tender,
        "n": entry.n,
        "at": entry.at,
        "announce": entry.announce,
        "authorized_total": entry.authorized_total,
        "captured_total": entry.captured_total,
        "seq": 1,
        "correlation_id": correlation_id(),
        "gsi2sk": f"TX#{entry.at}#{order_id}#{entry.n}",
        **_day(entry.at),
    }
    for name, value in (("amount", t.amount), ("currency", t.currency), ("suffix", t.suffix), ("details", t.details)):
        if value not in (None, "", {}):
            item[name] = value
    return item


def payment_id(order_id: str) -> str:
    return f"pay_{order_id}"


def append(snapshot: Snapshot, plan: Plan, now: str, extra: list[dict] | None = None) -> None:
    """The plan's entries, its PAID marker and the caller's own operations (a gift card's balance) in one
    transaction, guarded by the log's version: raises table.Rejected when someone wrote in between."""
    order = snapshot.order
    operations = [_head_guard(snapshot, plan)]
    operations += [table.put(entry_item(order.order_id, entry), "attribute_not_exists(pk)") for entry in plan.entries]
    if plan.paid:
        after = [*snapshot.entries, *plan.entries]
        found = totals(order, after)
        paid = {
            "pk": _pk(order.order_id),
            "sk": "PAID",
            "type": "paid",
            "order_id": order.order_id,
            "amount": found.covered,
            "currency": order.currency,
            "tenders": list(found.tenders),
            "at": now,
            "seq": 1,
            "correlation_id": correlation_id(),
            "gsi2sk": f"PAID#{now}#{order.order_id}",
            **_day(now),
        }
        operations.append(table.put(paid, "attribute_not_exists(pk)"))
    operations += extra or []
    table.transact(operations)


def clear_deadline(snapshot: Snapshot) -> None:
    table.transact([_head_guard(snapshot, Plan(clear_deadline=True))])


def record_intent(order_id: str, intent_id: str, amount: int, currency: str, now: str) -> None:
    item = {"pk": _pk(order_id), "sk": f"INTENT#{intent_id}", "type": "intent", "intent_id": intent_id, "amount": amount, "currency": currency, "created_at": now}
    table.put_now(item)


def record_alerts(order_id: str | None, alerts: list[Alert], now: str) -> None:
    """Each alert once (a replayed refusal does not alert twice)."""
    for alert in (alert for alert in alerts if alert.notify):
        digest = hashlib.sha256(f"{alert.kind}|{alert.provider}|{alert.reference}|{alert.detail}".encode()).hexdigest()[:24]
        item = {
            "pk": _pk(order_id) if order_id else f"ALERTS#{alert.provider}",
            "sk": f"ALERT#{alert.kind}#{digest}",
            "type": "alert",
            "kind": alert.kind,
            "provider": alert.provider,
            "reference": alert.reference,
            "detail": alert.detail,
            "at": now,
            "seq": 1,
            "correlation_id": correlation_id(),
            "gsi2sk": f"ALERT#{now}#{digest}",
            **_day(now),
        }
        if order_id:
            item["order_id"] = order_id
        table.put_now(item)


def put_refund(snapshot: Snapshot, refund: RefundPlan, now: str) -> None:
    """A refund's plan, guarded by the log's version so that two plans never count the same captured money."""
    item = {
        "pk": _pk(snapshot.order.order_id),
        "sk": f"REFUND#{refund.refund_id}",
        "type": "refund",
        "order_id": snapshot.order.order_id,
        "refund_id": refund.refund_id,
        "amount": refund.amount,
        "currency": refund.currency,
        "reason": refund.reason,
        "steps": [{"tender": s.tender, "provider": s.provider, "reference": s.reference, "amount": s.amount} for s in refund.steps],
        "issued": False,
        "at": now,
        "seq": 1,
        "correlation_id": correlation_id(),
        "gsi2sk": f"REFUND#{now}#{snapshot.order.order_id}",
        **_day(now),
    }
    table.transact([_head_guard(snapshot), table.put(item, "attribute_not_exists(pk)")])


def mark_refund_issued(order_id: str, refund_id: str) -> None:
    table.update_now({"pk": _pk(order_id), "sk": f"REFUND#{refund_id}"}, "SET issued = :yes ADD seq :one", condition="issued = :no", values={":yes": True, ":no": False, ":one": 1})
