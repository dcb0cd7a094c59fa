"""What other domains' events tell profiles, read with the producers' own published classes: who ordered
(identify from OrderPlaced and ChannelOrderReceived), the order read model (figures and status, no contact
details), and loyalty (earn on payment, reverse on returns and refunds, give back on cancellation). Every reaction is idempotent by its business key and tolerant of order: the graph
is a set of records, statuses keep the highest version, ledger entries are written once. An event about an
order profiles has not seen placed yet raises, for EventBridge to deliver it again later.
"""

from __future__ import annotations

from channels.models.events import ChannelOrderReceived
from kernel.consumer import event_handler
from kernel.envelope import Envelope
from orders.models.events import OrderPlaced, OrderStatusChanged, ReturnReceived
from payments.models.events import OrderPaid, RefundIssued
from profiles.dal import orders
from profiles.logic import identify, loyalty
from profiles.logic.rules import Kind


def _order_placed(event: Envelope) -> None:
    order = event.unwrap(OrderPlaced)
    given = {Kind.account: order.customer_id, Kind.email: order.contact.email, Kind.phone: order.contact.phone, Kind.order: order.order_id}
    if order.channel_order_id:
        given[Kind.channel_order] = f"{order.channel}:{order.channel_order_id}"
    seen = identify.sighting(given, source=f"order:{order.order_id}", at=order.placed_at, channel=order.channel, channel_kind=order.channel_kind, location_id=order.pickup_location_id, strict=False)
    orders.placed(
        {
            "order_id": order.order_id,
            "number": order.number,
            "channel": order.channel,
            "currency": order.currency,
            "grand_total": order.grand_total,
            "placed_at": order.placed_at,
            "lines": [{"sku": line.sku, "quantity": line.quantity, "unit_price": line.unit_price} for line in order.lines],
        }
    )
    identify.identify(seen)
    if order.payment == "prepaid":  # a channel order paid elsewhere: no OrderPaid follows
        loyalty.earn(order.order_id, order.grand_total, order.currency, order.placed_at)


def _channel_order(event: Envelope) -> None:
    received = event.unwrap(ChannelOrderReceived)
    customer = received.customer
    given = {Kind.channel_customer: customer.channel_customer_id, Kind.email: customer.email, Kind.phone: customer.phone, Kind.channel_order: f"{received.channel}:{received.channel_order_id}"}
    seen = identify.sighting(
        given,
        source=f"channel-order:{received.channel}:{received.channel_order_id}",
        at=received.placed_at,
        channel=received.channel,
        channel_kind=received.channel_kind,
        name=customer.name,
        strict=False,
    )
    identify.identify(seen)


def _status_changed(event: Envelope) -> None:
    change = event.unwrap(OrderStatusChanged)
    orders.status_changed(change.order_id, change.to_status, change.version, change.at)
    if change.to_status == "paid":
        loyalty.earn(change.order_id, change.grand_total, change.currency, change.at)
    elif change.to_status == "cancelled":
        loyalty.give_back(change.order_id, change.at)


def _order_paid(event: Envelope) -> None:
    paid = event.unwrap(OrderPaid)
    loyalty.earn(paid.order_id, paid.amount, paid.currency, event.time.isoformat().replace("+00:00", "Z"))


def _return_received(event: Envelope) -> None:
    returned = event.unwrap(ReturnReceived)
    units: dict[str, int] = {}
    for line in returned.lines:
        units[line.sku] = units.get(line.sku, 0) + line.received
    loyalty.reverse(returned.return_id, returned.order_id, returned.at, returned=units)


def _refund_issued(event: Envelope) -> None:
    refund = event.unwrap(RefundIssued)
    loyalty.reverse(refund.refund_id, refund.order_id, event.time.isoformat().replace("+00:00", "Z"), amount=refund.amount)


REACTIONS = {
    "OrderPlaced": _order_placed,
    "OrderStatusChanged": _status_changed,
    "ReturnReceived": _return_received,
    "OrderPaid": _order_paid,
    "RefundIssued": _refund_issued,
    "ChannelOrderReceived": _channel_order,
}

handler = event_handler(REACTIONS)
