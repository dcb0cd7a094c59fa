"""Returns, anywhere: an order bought on one channel is handed back at any location (an online order at a
store counter, a store order at the warehouse). Per line, received and damaged units; never more than was
bought minus what earlier returns took back. The refund is Omni's figure, from the lines' prices and tax:
each returned unit is worth its share of the line total (plus its share of the line's tax when prices
exclude tax). The return is recorded on the order in one write; the outbox turns it into ReturnReceived
(inventory restocks the sellable units at the receiving location) and RefundRequested (payments refunds).

A shopper may start a return online (`start`): the request names lines and units, is kept on the order and
shown on its timeline; the store or warehouse that receives the parcel or the shopper names it
(`request_id`), and the receipt is the same return as any other (received vs damaged, the refund, the
events), marking the request received."""

from __future__ import annotations

import hashlib

from kernel.errors import Conflict, IdempotencyKeyReused, NotFound, Unprocessable
from orders.logic import changes
from orders.logic.lifecycle import noted
from orders.logic.orders import belongs_to_shopper
from orders.models.order import Order, OrderStatus, Refund, RefundReason, Return, ReturnLine, ReturnRequest, ReturnRequestLine
from orders.models.returns import ReturnIn, ShopperReturnIn

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
    _require_returnable(order, [line.line for line in body.lines])
    taken = _already_returned(order)
    for line in body.lines:
        left = by_line[line.line].quantity - taken.get(line.line, 0)
        if line.received > left:
            raise Unprocessable(f"line {line.line}: {line.received} returned but only {left} left to return", field="received", errors=[{"in": "body", "field": "lines.received", "type": "too_many"}])
    requests = _receiving(order, body.request_id, rid)
    amount = _refund(order, {line.line: line.received for line in body.lines})
    recorded = asked.model_copy(update={"refund": amount})
    refund = Refund(refund_id=rid, amount=amount, reason=RefundReason.return_, at=at)
    sellable = sum(line.received - line.damaged for line in lines)
    message = f"return received at {location_id}: {sum(line.received for line in lines)} unit(s), {sellable} back to stock; refund of {amount} {order.totals.currency} requested"
    if body.request_id:
        message += f" (started online as {body.request_id})"
    return noted(order, at=at, kind="return", message=message, returns=[*order.returns, recorded], refunds=[*order.refunds, refund], return_requests=requests), []


def _require_returnable(order: Order, asked_lines: list[str]) -> None:
    """A return, received or started online, needs an order handed over and lines it has (422 otherwise)."""
    if order.status not in RETURNABLE:
        raise Unprocessable(f"order {order.number} is {order.status.value}: nothing of it was handed over yet", field="order_id", code="not_returnable")
    unknown = [line for line in asked_lines if line not in {own.line for own in order.lines}]
    if unknown:
        raise Unprocessable(f"order {order.number} has no line {', '.join(unknown)}", field="lines", errors=[{"in": "body", "field": "lines", "type": "unknown_line"}])


def _receiving(order: Order, request_id: str | None, return_id_: str) -> list[ReturnRequest]:
    """The order's requests with the one this return receives marked (409 when it was received already)."""
    if request_id is None:
        return order.return_requests
    request = next((r for r in order.return_requests if r.request_id == request_id), None)
    if request is None:
        raise NotFound(f"order {order.number} has no return request {request_id}", field="request_id")
    if request.received_as is not None:
        raise Conflict(f"return request {request_id} was received already", code="request_received", field="request_id")
    return [r.model_copy(update={"received_as": return_id_}) if r is request else r for r in order.return_requests]


def started(order: Order, body: ShopperReturnIn, *, customer_id: str, at: str) -> tuple[Order, list[dict]] | None:
    """A shopper's return request: within what was bought minus what came back or is on its way back."""
    request_id = return_id(f"shopper:{customer_id}", body.return_key)
    by_line = {line.line: line for line in order.lines}
    asked = ReturnRequest(
        request_id=request_id, lines=[ReturnRequestLine(line=line.line, sku=by_line[line.line].sku if line.line in by_line else "", quantity=line.quantity) for line in body.lines], at=at
    )
    existing = next((r for r in order.return_requests if r.request_id == request_id), None)
    if existing is not None:
        if existing.lines != asked.lines:
            raise IdempotencyKeyReused(f"return key {body.return_key} was used for another return", field="return_key")
        return None
    _require_returnable(order, [line.line for line in body.lines])
    taken = _already_returned(order)
    for request in order.return_requests:
        if request.received_as is None:  # on its way back
            for line in request.lines:
                taken[line.line] = taken.get(line.line, 0) + line.quantity
    for line in body.lines:
        left = by_line[line.line].quantity - taken.get(line.line, 0)
        if line.quantity > left:
            raise Unprocessable(f"line {line.line}: {line.quantity} to return but only {left} left to return", field="quantity", errors=[{"in": "body", "field": "lines.quantity", "type": "too_many"}])
    units = sum(line.quantity for line in body.lines)
    message = f"return started online: {units} unit(s), request {request_id}"
    return noted(order, at=at, kind="return", message=message, return_requests=[*order.return_requests, asked]), []


def start(order_id: str, body: ShopperReturnIn, *, customer_id: str, at: str) -> Order:
    """Start a return of one's own order (another shopper's is not found)."""
    return changes.change(order_id, lambda order: started(order, body, customer_id=customer_id, at=at), visible=lambda order: belongs_to_shopper(order, customer_id))


def receive(order_id: str, body: ReturnIn, *, channel: str, location_id: str, at: str) -> Order:
    return changes.change(order_id, lambda order: received(order, body, channel=channel, location_id=location_id, at=at))
