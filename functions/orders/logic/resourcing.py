"""Re-sourcing: a location that cannot fulfil a line (staff say so) gives it up, and the line moves to
another location in one transaction: the old hold released, a new hard hold placed (guarded, so it can
never oversell), the order's line and fulfilments changed, the timeline saying why.

Where the line goes is decided by `alternative`, the one seam for checkout's sourcing pipeline (not on
this branch yet): until it lands, a simple rule — the open locations serving the order's channel with
the capability the fulfilment needs and enough units, not refused before for this line; the most units
first, then the location id. An order being picked goes back to allocated: something is to pick again."""

from __future__ import annotations

from kernel.errors import Conflict, NotFound, Unprocessable
from orders.dal import stock
from orders.logic import changes
from orders.logic.lifecycle import advance, noted
from orders.models.order import Fulfilment, FulfilmentKind, FulfilmentStatus, Order, OrderStatus

F = FulfilmentStatus
_CAPABILITY = {FulfilmentKind.pickup: {"pickup"}, FulfilmentKind.ship: {"ship", "ship_from_store"}}


def alternative(order: Order, sku: str, quantity: int, kind: FulfilmentKind, refused: set[str], found: stock.Stock) -> str | None:
    """Where else the line can come from (None: nowhere)."""
    eligible = [
        place.location_id
        for place in found.locations.values()
        if found.serves(place.location_id, order.channel) and place.location_id not in refused
        and _CAPABILITY[kind] & {c.value for c in place.capabilities} and found.available(sku, place.location_id) >= quantity
    ]
    return min(eligible, key=lambda location_id: (-found.available(sku, location_id), location_id), default=None)


def _moved(order: Order, fulfilment: Fulfilment, lines: list[str], target: str) -> Order:
    """The lines moved from `fulfilment` to a fulfilment of the same kind at `target` (joined, or new)."""
    fulfilments = []
    for existing in order.fulfilments:
        if existing.fulfilment_id == fulfilment.fulfilment_id:
            rest = [line for line in existing.lines if line not in lines]
            existing = existing.model_copy(update={"lines": rest, **({} if rest else {"status": F.cancelled})})
        fulfilments.append(existing)
    joined = next((f for f in fulfilments if f.location_id == target and f.kind is fulfilment.kind and f.status is F.pending), None)
    if joined is None:
        joined = Fulfilment(fulfilment_id=f"F{len(fulfilments) + 1}", location_id=target, kind=fulfilment.kind, lines=[])
        fulfilments.append(joined)
    fulfilments = [f.model_copy(update={"lines": [*f.lines, *lines]}) if f is joined else f for f in fulfilments]
    order_lines = [
        line.model_copy(update={"location_id": target, "fulfilment_id": joined.fulfilment_id, "refused_by": [*line.refused_by, fulfilment.location_id]}) if line.line in lines else line
        for line in order.lines
    ]
    return order.model_copy(update={"fulfilments": fulfilments, "lines": order_lines})


def rejected(order: Order, fulfilment_id: str, lines: list[str], reason: str, at: str) -> tuple[Order, list[dict]]:
    fulfilment = next((f for f in order.fulfilments if f.fulfilment_id == fulfilment_id), None)
    if fulfilment is None:
        raise NotFound(f"order {order.number} has no fulfilment {fulfilment_id}", field="fulfilment_id")
    unknown = sorted(set(lines) - set(fulfilment.lines))
    if unknown:
        raise Unprocessable(f"fulfilment {fulfilment_id} has no line {', '.join(unknown)}", field="lines")
    if fulfilment.status not in (F.pending, F.picking) or order.status is OrderStatus.cancelled:
        raise Conflict(f"fulfilment {fulfilment_id} is {fulfilment.status.value}: its stock left already", code="invalid_transition", field="fulfilment_id", from_status=fulfilment.status.value, to_status="rejected")
    after, operations = order, stock.operations_for(order, {stock.RELEASE: lines})
    moving = [line for line in order.lines if line.line in lines]
    found = stock.stock_for({line.sku for line in moving})
    for line in moving:
        refused = {*line.refused_by, fulfilment.location_id}
        target = alternative(order, line.sku, line.quantity, fulfilment.kind, refused, found)
        if target is None:
            raise Conflict(f"no other location can fulfil line {line.line} ({line.quantity} × {line.sku}): cancel the order or wait for stock", code="no_alternative", field="lines")
        operations += stock.hold_operations(order, line.line, line.sku, target, line.quantity, found)
        current = next(f for f in after.fulfilments if line.line in f.lines)
        after = _moved(after, current, [line.line], target)
        after = noted(after, at=at, kind="sourcing", message=f"line {line.line}: {fulfilment.location_id} cannot fulfil it ({reason}); re-sourced to {target}")
    if after.status is OrderStatus.picking:
        after = advance(after, OrderStatus.allocated, at=at, reason="re-sourced: to pick again")
    return after, operations


def reject(order_id: str, fulfilment_id: str, lines: list[str], reason: str, at: str, *, location_id: str | None = None) -> Order:
    def visible(order: Order) -> bool:
        return location_id is None or any(f.fulfilment_id == fulfilment_id and f.location_id == location_id for f in order.fulfilments)

    return changes.change(order_id, lambda order: rejected(order, fulfilment_id, lines, reason, at), visible=visible)
