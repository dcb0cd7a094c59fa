"""Returns, anywhere: an order bought on one channel is handed back at any location (an online order at a
store counter, a store order at the warehouse). Per line, received and damaged units; never more than was
bought minus what earlier returns took back. The refund is Omni's figure, from the lines' prices and tax:
each returned unit is worth its share of the line total (plus its share of the line's tax when prices
exclude tax). The return is recorded on the order in one write; the outbox turns it into ReturnReceived
(inventory restocks the sellable units at the receiving location) and RefundRequested (payments refunds)."""

from __future__ import annotations

import hashlib

from kernel.errors import IdempotencyKeyReused, Unprocessable
from orders.logic import changes
from orders.logic.lifecycle import noted
from orders.models.order import Order, OrderStatus, Refund, RefundReason, Return, ReturnLine
from orders.models.returns import ReturnIn

RETURNABLE = {OrderStatus.shipped, OrderStatus.collected, OrderStatus.delivered, OrderStatus.closed}


def return_id(channel: str, key: str) -> str:
    """The caller's key, scoped by the caller: two channels' keys never meet."""
    return hashlib.sha256(f"{channel}:{key}".encode()).hexdigest()[:32]


def _refund(order: Order, quantities: dict[str, int]) -> int:
    total = 0
    for line in order.lines:
        units = quantities.get(line.line, 0)
        if units:
            worth = line.line_total if order.totals.tax_inclusive else line.line_total + line.tax
            total += worth * units // line.quantity
    return total


def _already_returned(order: Order) -> dict[str, int]:
    taken: dict[str, int] = {}
    for earlier in order.returns:
        for line in earlier.lines:
            taken[line.line] = taken.get(line.line, 0) + line.received
    return taken


def received(order: Order, body: ReturnIn, *, channel: str, location_id: str, at: str) -> tuple[Order, list[dict]] | None:
    rid = return_id(channel, body.return_key)
    by_line = {line.line: line for line in order.lines}
    lines = [ReturnLine(line=line.line, sku=by_line[line.line].sku, received=line.received, damaged=line.damaged) for line in body.lines if line.line in by_line]
    asked = Return(return_id=rid, channel=channel, location_id=location_id, lines=lines, refund=0, at=at)
    existing = next((r for r in order.returns if r.return_id == rid), None)
    if existing is not None:  # a retry: the same return again is its original answer, another one a 409
        if (existing.location_id, existing.lines) != (asked.location_id, asked.lines):
            raise IdempotencyKeyReused(f"return key {body.return_key} was used for another return", field="return_key")
        return None
    if order.status not in RETURNABLE:
        raise Unprocessable(f"order {order.number} is {order.status.value}: nothing of it was handed over yet", field="order_id", code="not_returnable")
    unknown = [line.line for line in body.lines if line.line not in by_line]
    if unknown:
        raise Unprocessable(f"order {order.number} has no line {', '.join(unknown)}", field="lines", errors=[{"in": "body", "field": "lines", "type": "unknown_line"}])
    taken = _already_returned(order)
    for line in body.lines:
        left = by_line[line.line].quantity - taken.get(line.line, 0)
        if line.received > left:
            raise Unprocessable(f"line {line.line}: {line.received} returned but only {left} left to return", field="received", errors=[{"in": "body", "field": "lines.received", "type": "too_many"}])
    amount = _refund(order, {line.line: line.received for line in body.lines})
    recorded = asked.model_copy(update={"refund": amount})
    refund = Refund(refund_id=rid, amount=amount, reason=RefundReason.return_, at=at)
    sellable = sum(line.received - line.damaged for line in lines)
    message = f"return received at {location_id}: {sum(line.received for line in lines)} unit(s), {sellable} back to stock; refund of {amount} {order.totals.currency} requested"
    return noted(order, at=at, kind="return", message=message, returns=[*order.returns, recorded], refunds=[*order.refunds, refund]), []


def receive(order_id: str, body: ReturnIn, *, channel: str, location_id: str, at: str) -> Order:
    return changes.change(order_id, lambda order: received(order, body, channel=channel, location_id=location_id, at=at))
