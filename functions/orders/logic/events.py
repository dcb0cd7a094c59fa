"""Which orders events an item change means (the outbox mapper: pure, no I/O).

A new order is OrderPlaced. A change publishes one OrderStatusChanged per status entry it added to the
timeline (paid then allocated in one write are two events, each with its own version), one
ReturnReceived per return it added, and one RefundRequested per refund it added (a return's, or a paid
order's cancellation)."""

from __future__ import annotations

from collections.abc import Iterator

from kernel.envelope import DomainEvent
from kernel.outbox import Change
from orders.models.events import EventContact, OrderPlaced, OrderStatusChanged, PlacedLine, RefundRequested, ReturnedLine, ReturnReceived


def events_from_change(change: Change) -> Iterator[DomainEvent]:
    new, old = change.new, change.old or {}
    if new is None or new.get("type") != "order":
        return  # deletions are clean-ups; number claims and pick-list items are bookkeeping
    if not old:
        yield _placed(new)
        return
    yield from _status_changes(old, new)
    yield from _added(old, new, "returns", _return_received)
    yield from _added(old, new, "refunds", _refund_requested)


def _added(old: dict, new: dict, name: str, event) -> Iterator[DomainEvent]:
    known = {entry.get("return_id") or entry.get("refund_id") for entry in old.get(name) or []}
    for entry in new.get(name) or []:
        if (entry.get("return_id") or entry.get("refund_id")) not in known:
            yield event(new, entry)


def _placed(order: dict) -> OrderPlaced:
    totals = order["totals"]
    return OrderPlaced(
        order_id=order["order_id"],
        number=order["number"],
        channel=order["channel"],
        channel_kind=order["channel_kind"],
        origin=order.get("origin", "checkout"),
        channel_order_id=order.get("channel_order_id"),
        customer_id=order.get("customer_id"),
        contact=EventContact(**(order.get("contact") or {})),
        currency=totals["currency"],
        subtotal=totals["subtotal"],
        shipping=totals["shipping"],
        tax=totals["tax"],
        grand_total=totals["grand_total"],
        tax_inclusive=totals["tax_inclusive"],
        payment=order["payment"],
        pay_by=order.get("pay_by"),
        delivery=order["delivery"],
        pickup_location_id=order.get("pickup_location_id"),
        lines=[
            PlacedLine(line=line["line"], sku=line["sku"], quantity=line["quantity"], unit_price=line["unit_price"], line_total=line["line_total"], location_id=line["location_id"])
            for line in order["lines"]
        ],
        placed_at=order["placed_at"],
    )


def _status_changes(old: dict, new: dict) -> Iterator[OrderStatusChanged]:
    added = (new.get("timeline") or [])[len(old.get("timeline") or []) :]
    from_status = old["status"]
    for entry in added:
        if entry.get("kind") != "status" or entry.get("status") == from_status:
            continue
        yield OrderStatusChanged(
            order_id=new["order_id"],
            number=new["number"],
            channel=new["channel"],
            customer_id=new.get("customer_id"),
            from_status=from_status,
            to_status=entry["status"],
            reason=entry.get("message"),
            version=entry.get("version") or new["version"],
            at=entry["at"],
            grand_total=new["totals"]["grand_total"],
            currency=new["totals"]["currency"],
        )
        from_status = entry["status"]


def _return_received(order: dict, entry: dict) -> ReturnReceived:
    return ReturnReceived(
        return_id=entry["return_id"],
        order_id=order["order_id"],
        channel=entry["channel"],
        location_id=entry["location_id"],
        lines=[ReturnedLine(sku=line["sku"], received=line["received"], damaged=line["damaged"]) for line in entry["lines"]],
        at=entry["at"],
    )


def _refund_requested(order: dict, entry: dict) -> RefundRequested:
    return RefundRequested(
        refund_id=entry["refund_id"],
        order_id=order["order_id"],
        amount=entry["amount"],
        currency=order["totals"]["currency"],
        reason=entry["reason"],
        at=entry["at"],
    )
