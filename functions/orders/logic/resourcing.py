"""Re-sourcing: a location that cannot fulfil lines (staff say so) gives them up, and they move elsewhere in
one transaction: the old holds released, new hard holds placed (guarded, so they can never oversell), the
order's lines and fulfilments changed, the timeline saying why.

Where the lines go is decided by checkout's own pipeline, `orders.logic.sourcing.source`, over every
location as read now, with `exclude` naming the locations that refused any of them: the same filters
(serves the channel, open, capability, stock for a whole line) and ranking (fewest shipments, nearest,
priority), and its explanation on the timeline. A shipment is re-sourced as a shipment, nearest to the
address; a pickup to another pickup store, nearest to the store that refused it. A location the order
newly ships from takes one of today's orders there (guarded by its daily capacity, like checkout's), and
`maxShipments` counts every shipment the order keeps, not only the moved lines'. An order being picked goes
back to allocated: something is to pick again."""

from __future__ import annotations

from datetime import datetime

from kernel.errors import Conflict, InsufficientStock, NotFound, Unprocessable
from orders.dal import capacity, stock
from orders.logic import changes, sourcing
from orders.logic.config import checkout_config
from orders.logic.lifecycle import advance, noted
from orders.models.order import DeliveryMode, Fulfilment, FulfilmentKind, FulfilmentStatus, Order, OrderStatus

F = FulfilmentStatus


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


def _destination(order: Order, fulfilment: Fulfilment, found: stock.Stock) -> tuple[float, float] | None:
    """Where distances are measured from: the address for a shipment, the refusing store for a pickup."""
    if fulfilment.kind is FulfilmentKind.ship:
        address = order.address
        return (address.latitude, address.longitude) if address and address.latitude is not None and address.longitude is not None else None
    place = found.location(fulfilment.location_id)
    return (place.coordinates.lat, place.coordinates.lon) if place and place.coordinates else None


def _ships_from(order: Order) -> set[str]:
    """Where the order took its place already: its capacity there was counted."""
    return {f.location_id for f in order.fulfilments if f.status is not F.cancelled}


def _kept(order: Order, fulfilment: Fulfilment, lines: list[str]) -> tuple[list[Fulfilment], frozenset[str]]:
    """The order's shipments that stay (the refusing one too, while it keeps lines), and the locations of
    those the moved lines may join (pending, of the same kind: `_moved` joins them)."""
    keeps = bool(set(fulfilment.lines) - set(lines))
    kept = [f for f in order.fulfilments if f.status is not F.cancelled and (f.fulfilment_id != fulfilment.fulfilment_id or keeps)]
    joinable = frozenset(f.location_id for f in kept if f.fulfilment_id != fulfilment.fulfilment_id and f.kind is fulfilment.kind and f.status is F.pending)
    return kept, joinable


def _plan(order: Order, fulfilment: Fulfilment, moving: list, found: stock.Stock, used: dict[str, int], ships_from: set[str]) -> sourcing.Plan:
    """Where the moving lines go. A location the order newly ships from takes one of today's orders there, so
    its capacity left counts; one the order ships from already took it (at checkout or before)."""
    skus = sorted({line.sku for line in moving})
    config = checkout_config()
    kept, joinable = _kept(order, fulfilment, [line.line for line in moving])
    candidates = [
        sourcing.candidate_of(found, site, order.channel, skus, priority=config.priority.get(site, 0), used=used.get(site, 0), limited=site not in ships_from) for site in sorted(found.locations)
    ]
    refused = frozenset({fulfilment.location_id, *(place for line in moving for place in line.refused_by)})
    wants = [sourcing.Want(line=line.line, sku=line.sku, quantity=line.quantity) for line in moving]
    mode = DeliveryMode.pickup if fulfilment.kind is FulfilmentKind.pickup else DeliveryMode.ship
    try:
        return sourcing.source(
            wants,
            candidates,
            channel=order.channel,
            mode=mode,
            destination=_destination(order, fulfilment, found),
            max_shipments=config.max_shipments,
            exclude=refused,
            kept=len(kept),
            joinable=joinable,
        )
    except InsufficientStock as short:
        names = ", ".join(f"{line.line} ({line.quantity} × {line.sku})" for line in moving)
        raise Conflict(f"no other location can fulfil line(s) {names}: cancel the order or wait for stock", code="no_alternative", field="lines", lines=short.extra.get("lines")) from short


def rejected(order: Order, fulfilment_id: str, lines: list[str], reason: str, at: str) -> tuple[Order, list[dict]]:
    fulfilment = next((f for f in order.fulfilments if f.fulfilment_id == fulfilment_id), None)
    if fulfilment is None:
        raise NotFound(f"order {order.number} has no fulfilment {fulfilment_id}", field="fulfilment_id")
    unknown = sorted(set(lines) - set(fulfilment.lines))
    if unknown:
        raise Unprocessable(f"fulfilment {fulfilment_id} has no line {', '.join(unknown)}", field="lines")
    if fulfilment.status not in (F.pending, F.picking) or order.status is OrderStatus.cancelled:
        raise Conflict(
            f"fulfilment {fulfilment_id} is {fulfilment.status.value}: its stock left already",
            code="invalid_transition",
            field="fulfilment_id",
            from_status=fulfilment.status.value,
            to_status="rejected",
        )
    moving = [line for line in order.lines if line.line in lines]
    day = at[:10]
    found, own = stock.stock_for({line.sku for line in moving}, also=lambda sites: capacity.keys_of(sites, day))
    ships_from = _ships_from(order)
    plan = _plan(order, fulfilment, moving, found, capacity.used(own), ships_from)
    operations = stock.operations_for(order, {stock.RELEASE: lines})
    reservation = stock.reserve(order, [(a.line, a.sku, a.location_id, a.quantity) for a in plan.sourcing.allocations], found)
    operations += reservation.operations
    epoch = int(datetime.fromisoformat(at).timestamp())
    operations += [capacity.take(site, day, found.location(site).daily_capacity, epoch) for site in plan.shipments if site not in ships_from]
    after = stock.recorded(order, reservation.holds)
    for target, placed in plan.shipments.items():
        after = _moved(after, fulfilment, placed, target)
    if after.sourcing is not None:
        allocations = [a for a in after.sourcing.allocations if a.line not in lines] + plan.sourcing.allocations
        after = after.model_copy(update={"sourcing": after.sourcing.model_copy(update={"allocations": allocations})})
    where = ", ".join(f"line {', '.join(placed)} to {target}" for target, placed in plan.shipments.items())
    message = f"{fulfilment.location_id} cannot fulfil line {', '.join(lines)} ({reason}); re-sourced {where}: " + "; ".join(plan.sourcing.explanation)
    after = noted(after, at=at, kind="sourcing", message=message)
    if after.status is OrderStatus.picking:
        after = advance(after, OrderStatus.allocated, at=at, reason="re-sourced: to pick again")
    return after, operations


def reject(order_id: str, fulfilment_id: str, lines: list[str], reason: str, at: str, *, location_id: str | None = None) -> Order:
    def visible(order: Order) -> bool:
        return location_id is None or any(f.fulfilment_id == fulfilment_id and f.location_id == location_id for f in order.fulfilments)

    return changes.change(order_id, lambda order: rejected(order, fulfilment_id, lines, reason, at), visible=visible)
