"""Which orders events an item change means (the outbox mapper: pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterator

from kernel.envelope import DomainEvent
from kernel.outbox import Change
from orders.models.events import EventContact, OrderPlaced, OrderStatusChanged, PlacedLine


def events_from_change(change: Change) -> Iterator[DomainEvent]:
    new, old = change.new, change.old or {}
    if new is None or new.get("type") != "order":
        return  # deletions are clean-ups; number claims are bookkeeping
    if not old:
        yield _placed(new)
    elif old.get("status") != new.get("status"):
        yield _status_changed(old, new)


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


def _status_changed(old: dict, new: dict) -> OrderStatusChanged:
    last = next((entry for entry in reversed(new.get("timeline") or []) if entry.get("kind") == "status"), {})
    return OrderStatusChanged(
        order_id=new["order_id"],
        number=new["number"],
        channel=new["channel"],
        customer_id=new.get("customer_id"),
        from_status=old["status"],
        to_status=new["status"],
        reason=last.get("message"),
        version=new["version"],
        at=new["updated_at"],
        grand_total=new["totals"]["grand_total"],
        currency=new["totals"]["currency"],
    )
