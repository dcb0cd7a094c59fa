"""Orders from other channels (a marketplace, a POS sale) join the order book: already paid (payment
prepaid), with origin channel, in the shopper's history once profiles attributes them. The order id is
derived from (channel, channel order id), so a redelivered or re-sent order joins once. Its stock is not
orders' business here: inventory takes it as a recorded sale from the same event."""

from __future__ import annotations

import uuid
from collections import defaultdict

from channels.models.events import ChannelOrderReceived
from kernel import table
from kernel.errors import NotFound
from kernel.settings import settings
from orders.dal import orders as orders_table
from orders.logic import cancellation, changes
from orders.logic.numbers import order_number
from orders.models.order import (
    Contact,
    Delivery,
    DeliveryMode,
    Fulfilment,
    FulfilmentKind,
    FulfilmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Origin,
    PaymentMode,
    TimelineEntry,
    Totals,
)

_NAMESPACE = uuid.UUID("5b0f7f0e-8c1a-4a51-9d43-0c1b6a0e0a01")
_NUMBER_ATTEMPTS = 5


def order_id_of(channel: str, channel_order_id: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{channel}:{channel_order_id}").hex


def _tax_shares(tax: int, totals: list[int]) -> list[int]:
    """The order's tax spread over its lines by their totals, the rounding on the last line."""
    whole = sum(totals) or 1
    shares = [tax * total // whole for total in totals]
    if shares:
        shares[-1] += tax - sum(shares)
    return shares


def booked(event: ChannelOrderReceived, *, at: str) -> Order:
    channel = settings().channel(event.channel)
    if channel is None:
        raise NotFound(f"unknown channel {event.channel}", field="channel")
    order_id = order_id_of(channel.id, event.channel_order_id)
    by_location: dict[str, list[str]] = defaultdict(list)
    totals = [line.unit_price * line.quantity for line in event.lines]
    lines = []
    for index, (line, total, tax) in enumerate(zip(event.lines, totals, _tax_shares(event.tax, totals), strict=True), start=1):
        by_location[line.location_id].append(str(index))
        fid = f"F{list(by_location).index(line.location_id) + 1}"
        lines.append(OrderLine(line=str(index), sku=line.sku, quantity=line.quantity, unit_price=line.unit_price, line_total=total, tax=tax, location_id=line.location_id, fulfilment_id=fid))
    kind, status = (FulfilmentKind.pickup, FulfilmentStatus.collected) if event.fulfilled else (FulfilmentKind.ship, FulfilmentStatus.pending)
    fulfilments = [Fulfilment(fulfilment_id=f"F{n}", location_id=location, kind=kind, lines=ids, status=status) for n, (location, ids) in enumerate(by_location.items(), start=1)]
    path = [OrderStatus.placed, OrderStatus.paid, *((OrderStatus.collected, OrderStatus.closed) if event.fulfilled else (OrderStatus.allocated,))]
    timeline = [
        TimelineEntry(at=at, kind="status", status=status, version=n, message=message)
        for n, (status, message) in enumerate(
            zip(path, [f"received from {channel.id} (order {event.channel_order_id})", "paid on the channel", *(["handed over on the channel", "closed"] if event.fulfilled else ["stock taken by the channel's sale"])], strict=True),
            start=1,
        )
    ]
    tax_inclusive = event.subtotal + event.shipping + event.tax != event.grand_total
    return Order(
        order_id=order_id,
        number=order_number(channel.id),
        channel=channel.id,
        channel_kind=channel.kind,
        origin=Origin.channel,
        channel_order_id=event.channel_order_id,
        contact=Contact(email=event.customer.email, phone=event.customer.phone),
        status=path[-1],
        version=len(path),
        delivery_mode=DeliveryMode.pickup if event.fulfilled else DeliveryMode.ship,
        delivery=Delivery.pickup if event.fulfilled else (Delivery.split if len(fulfilments) > 1 else Delivery.ship),
        payment=PaymentMode.prepaid,
        paid=True,
        lines=lines,
        fulfilments=fulfilments,
        totals=Totals(currency=event.currency, subtotal=event.subtotal, shipping=event.shipping, tax=event.tax, grand_total=event.grand_total, tax_inclusive=tax_inclusive),
        timeline=timeline,
        placed_at=event.placed_at,
        updated_at=at,
    )


def receive(event: ChannelOrderReceived, *, at: str) -> Order:
    """Book the channel's order once; a repeat returns the order booked first."""
    for _ in range(_NUMBER_ATTEMPTS):
        order = booked(event, at=at)
        existing = orders_table.get(order.order_id)
        if existing is not None:
            return existing
        try:
            table.transact(orders_table.placement(order))
            return order
        except table.Rejected as rejected:
            if 0 in rejected.failed():
                continue  # booked meanwhile by a concurrent delivery: the next look finds it
            # else the number was taken: draw another
    raise RuntimeError(f"could not book channel order {event.channel}/{event.channel_order_id}")


def cancel(channel: str, channel_order_id: str, *, at: str) -> Order:
    order_id = order_id_of(channel, channel_order_id)
    return changes.change(order_id, lambda order: cancellation.cancelled(order, at=at, reason=f"cancelled on {channel}"))
