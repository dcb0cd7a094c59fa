"""Fulfilment: what store staff and operators do with an order's fulfilments, and what each step does
to the order and to its stock.

picked     the fulfilment's hard holds are committed in the order's transaction (the units left the shelf);
           the order moves to picking (a paid order is allocated first: its stock was held at checkout)
ready      a pickup is ready: a short code is issued, kept as a hash; the shopper's view shows it once
collected  the code is verified, the order must be paid (pay-in-store orders pay at the counter first)
shipped    a shipment left (its holds committed now if nobody picked it first); the order is shipped when
           its last shipment is
delivered  a shipment arrived; the order is delivered when every shipment is
A step already done is a repeat and changes nothing (two staff devices, a retried request).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from kernel import clock
from kernel.errors import Conflict, NotFound, Unprocessable
from orders.dal import stock
from orders.logic import changes
from orders.logic.config import checkout_config
from orders.logic.lifecycle import InvalidTransition, advance, noted
from orders.logic.numbers import ALPHABET
from orders.models.order import Fulfilment, FulfilmentKind, FulfilmentStatus, Order, OrderStatus, PaymentMode

F, S = FulfilmentStatus, OrderStatus
PICKUP_CODE_LENGTH = 6
_BEFORE_PICKED = {F.pending, F.picking}


def pickup_code_hash(order_id: str, fulfilment_id: str, code: str) -> str:
    return hashlib.sha256(f"{order_id}:{fulfilment_id}:{code.strip().upper()}".encode()).hexdigest()


def _fulfilment(order: Order, fulfilment_id: str) -> Fulfilment:
    found = next((f for f in order.fulfilments if f.fulfilment_id == fulfilment_id), None)
    if found is None:
        raise NotFound(f"order {order.number} has no fulfilment {fulfilment_id}", field="fulfilment_id")
    return found


def _with(order: Order, fulfilment: Fulfilment, **updates) -> Order:
    changed = fulfilment.model_copy(update=updates)
    return order.model_copy(update={"fulfilments": [changed if f.fulfilment_id == fulfilment.fulfilment_id else f for f in order.fulfilments]})


def _refuse(fulfilment: Fulfilment, wanted: FulfilmentStatus, order: Order) -> Conflict:
    return InvalidTransition(
        f"fulfilment {fulfilment.fulfilment_id} of order {order.number} is {fulfilment.status.value} and cannot become {wanted.value}",
        field="fulfilment_id",
        from_status=fulfilment.status.value,
        to_status=wanted.value,
    )


# How far along the lifecycle each status is: fulfilment steps only ever move an order forward.
_RANK = {S.placed: 0, S.awaiting_payment: 1, S.paid: 2, S.allocated: 3, S.picking: 4, S.ready_for_pickup: 5, S.shipped: 5, S.collected: 6, S.delivered: 6}


def _toward(order: Order, target: OrderStatus, at: str, reason: str) -> Order:
    """Move the order forward to `target` through the steps its lifecycle requires on the way (a paid or
    pay-in-store order is allocated, then picking), one timeline entry each; a note when it is there already."""
    if _RANK.get(order.status, 9) >= _RANK[target]:
        return noted(order, at=at, kind="fulfilment", message=reason)
    for status in (S.allocated, S.picking, target):
        if _RANK[order.status] < _RANK[status]:
            order = advance(order, status, at=at, reason=reason if status is target else None)
    return order


def _picking_allowed(order: Order) -> None:
    """Stock is picked once the order is paid, or at once for a pay-in-store order (paid at the counter)."""
    if order.status in (S.paid, S.allocated, S.picking) or (order.status is S.awaiting_payment and order.payment is PaymentMode.in_store):
        return
    raise InvalidTransition(
        f"order {order.number} is {order.status.value} and cannot become {S.picking.value}",
        field="status",
        from_status=order.status.value,
        to_status=S.picking.value,
    )


def picked(order: Order, fulfilment_id: str, at: str) -> tuple[Order, list[dict]] | None:
    fulfilment = _fulfilment(order, fulfilment_id)
    if fulfilment.status is F.picked:
        return None
    if fulfilment.status not in _BEFORE_PICKED:
        raise _refuse(fulfilment, F.picked, order)
    _picking_allowed(order)
    operations = stock.operations_for(order, {stock.COMMIT: fulfilment.lines})
    after = _with(order, fulfilment, status=F.picked)
    return _toward(after, S.picking, at, f"fulfilment {fulfilment_id} picked at {fulfilment.location_id}"), operations


def ready(order: Order, fulfilment_id: str, at: str) -> tuple[Order, list[dict]] | None:
    fulfilment = _fulfilment(order, fulfilment_id)
    if fulfilment.kind is not FulfilmentKind.pickup:
        raise Unprocessable(f"fulfilment {fulfilment_id} is a shipment, not a pickup", field="fulfilment_id")
    if fulfilment.status is F.ready_for_pickup:
        return None
    if fulfilment.status is not F.picked:
        raise _refuse(fulfilment, F.ready_for_pickup, order)
    code = "".join(secrets.choice(ALPHABET) for _ in range(PICKUP_CODE_LENGTH))
    after = _with(order, fulfilment, status=F.ready_for_pickup, pickup_code=code, pickup_code_hash=pickup_code_hash(order.order_id, fulfilment_id, code))
    return _toward(after, S.ready_for_pickup, at, f"ready for pickup at {fulfilment.location_id}"), []


def collected(order: Order, fulfilment_id: str, code: str, at: str) -> tuple[Order, list[dict]] | None:
    fulfilment = _fulfilment(order, fulfilment_id)
    if fulfilment.status is F.collected:
        return None
    if fulfilment.status is not F.ready_for_pickup:
        raise _refuse(fulfilment, F.collected, order)
    if fulfilment.pickup_locked_until and at < fulfilment.pickup_locked_until:  # every code, even the right one
        raise Conflict(f"too many wrong pickup codes: the pickup is locked until {fulfilment.pickup_locked_until}", code="pickup_locked", field="code", locked_until=fulfilment.pickup_locked_until)
    if not fulfilment.pickup_code_hash or not secrets.compare_digest(fulfilment.pickup_code_hash, pickup_code_hash(order.order_id, fulfilment_id, code)):
        raise changes.Recorded(*_wrong_code(order, fulfilment, at))
    if not order.paid:
        raise Conflict(f"order {order.number} is not paid yet: take the payment first", code="not_paid", field="paid")
    after = _with(order, fulfilment, status=F.collected, pickup_code=None, pickup_failures=0, pickup_locked_until=None)
    return advance(after, S.collected, at=at, reason=f"collected at {fulfilment.location_id}"), []


def _wrong_code(order: Order, fulfilment: Fulfilment, at: str) -> tuple[Order, Exception]:
    """A wrong code counts on the order (written guarded by the version read, so concurrent guesses each
    count); the last allowed one locks the pickup for a while. The code itself is never kept or logged."""
    config = checkout_config()
    failures = fulfilment.pickup_failures + 1
    if failures < config.pickup_attempts:
        after = _with(order, fulfilment, pickup_failures=failures).model_copy(update={"version": order.version + 1, "updated_at": at})
        left = config.pickup_attempts - failures
        return after, Unprocessable(f"the pickup code does not match ({left} attempt(s) left)", field="code", code="wrong_pickup_code", attempts_left=left)
    until = clock.iso(datetime.fromisoformat(at) + timedelta(minutes=config.pickup_lock_minutes))
    after = noted(
        _with(order, fulfilment, pickup_failures=0, pickup_locked_until=until), at=at, kind="pickup", message=f"pickup {fulfilment.fulfilment_id} locked until {until} after {failures} wrong codes"
    )
    return after, Conflict(f"too many wrong pickup codes: the pickup is locked until {until}", code="pickup_locked", field="code", locked_until=until)


def shipped(order: Order, fulfilment_id: str, at: str) -> tuple[Order, list[dict]] | None:
    fulfilment = _fulfilment(order, fulfilment_id)
    if fulfilment.kind is not FulfilmentKind.ship:
        raise Unprocessable(f"fulfilment {fulfilment_id} is a pickup, not a shipment", field="fulfilment_id")
    if fulfilment.status in (F.shipped, F.delivered):
        return None
    if fulfilment.status not in (*_BEFORE_PICKED, F.picked):
        raise _refuse(fulfilment, F.shipped, order)
    operations = []
    if fulfilment.status in _BEFORE_PICKED:  # a warehouse ships without a separate pick step
        _picking_allowed(order)
        operations = stock.operations_for(order, {stock.COMMIT: fulfilment.lines})
    after = _with(order, fulfilment, status=F.shipped)
    open_shipments = [f for f in after.fulfilments if f.kind is FulfilmentKind.ship and f.status not in (F.shipped, F.delivered, F.cancelled)]
    reason = f"shipped from {fulfilment.location_id}"
    if open_shipments:
        return _toward(after, S.picking, at, f"{reason}; {len(open_shipments)} shipment(s) to go"), operations
    return _toward(after, S.shipped, at, reason), operations


def delivered(order: Order, fulfilment_id: str, at: str) -> tuple[Order, list[dict]] | None:
    fulfilment = _fulfilment(order, fulfilment_id)
    if fulfilment.status is F.delivered:
        return None
    if fulfilment.status is not F.shipped:
        raise _refuse(fulfilment, F.delivered, order)
    after = _with(order, fulfilment, status=F.delivered)
    if all(f.status in (F.delivered, F.cancelled) for f in after.fulfilments if f.kind is FulfilmentKind.ship):
        return advance(after, S.delivered, at=at, reason="delivered"), []
    return noted(after, at=at, kind="fulfilment", message=f"shipment {fulfilment_id} delivered"), []


STEPS = {"picked": picked, "ready": ready, "shipped": shipped, "delivered": delivered}


def step(order_id: str, fulfilment_id: str, action: str, at: str, *, location_id: str | None = None, code: str | None = None) -> Order:
    """Run one step on a fulfilment; `location_id`: the store the staff act for (another store's
    fulfilment is not found)."""

    def visible(order: Order) -> bool:
        return location_id is None or any(f.location_id == location_id for f in order.fulfilments)

    def decide(order: Order):
        if location_id is not None and _fulfilment(order, fulfilment_id).location_id != location_id:
            raise NotFound(f"no fulfilment {fulfilment_id} of order {order.number} at {location_id}", field="fulfilment_id")
        if action == "collected":
            return collected(order, fulfilment_id, code or "", at)
        return STEPS[action](order, fulfilment_id, at)

    return changes.change(order_id, decide, visible=visible)
