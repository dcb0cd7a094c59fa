"""Reading orders, as each caller may: a shopper sees only their own (another's is 404, not 403, so ids
cannot be probed); a channel the orders it placed, a store channel also those at its stores; operators
every order. A pickup code is shown to the shopper alone, once: reading it keeps only its hash."""

from __future__ import annotations

from kernel.errors import Forbidden, NotFound
from kernel.settings import Channel
from orders.dal import orders as orders_table
from orders.models.order import FulfilmentStatus, Order, OrderStatus, PaymentMode


def _not_found(order_id: str) -> NotFound:
    return NotFound(f"no order {order_id}", field="order_id")


def without_codes(order: Order) -> Order:
    return order.model_copy(update={"fulfilments": [f.model_copy(update={"pickup_code": None}) for f in order.fulfilments]})


def belongs_to_shopper(order: Order, customer_id: str) -> bool:
    if order.customer_id == customer_id:
        return True
    profile = orders_table.account_profile(customer_id) if order.profile_id else None
    return bool(profile and profile["profile_id"] == order.profile_id)


def of_shopper(customer_id: str, order_id: str) -> Order:
    order = orders_table.get(order_id)
    if order is None or not belongs_to_shopper(order, customer_id):
        raise _not_found(order_id)
    if any(f.pickup_code for f in order.fulfilments):
        try:  # shown now, never again: the stored order keeps the hash only
            orders_table.save(order, without_codes(order).model_copy(update={"version": order.version + 1}))
        except orders_table.Moved:
            return without_codes(order)  # changed meanwhile: the next read shows what is current
    return order


def shopper_orders(customer_id: str) -> list[Order]:
    return [without_codes(order) for order in orders_table.of_shopper(customer_id)]


def of_channel(channel: Channel, order_id: str) -> Order:
    order = orders_table.get(order_id)
    at_its_stores = order is not None and any(f.location_id in channel.locations for f in order.fulfilments)
    if order is None or (order.channel != channel.id and not at_its_stores):
        raise _not_found(order_id)
    return without_codes(order)


def of_operator(order_id: str) -> Order:
    order = orders_table.get(order_id)
    if order is None:
        raise _not_found(order_id)
    return without_codes(order)


def require_store(channel: Channel, location_id: str) -> None:
    """Store staff act for the stores their POS key is bound to (cdk.json `locations`), no other."""
    if channel.kind != "store":
        raise Forbidden("store staff routes need a store (POS) channel key")
    if location_id not in channel.locations:
        raise Forbidden(f"this channel does not act for location {location_id}", field="location_id")


def pick_list(location_id: str) -> list[Order]:
    """Orders with a fulfilment waiting to be picked at the location, oldest first (first in, first out)."""
    waiting = []
    for order in orders_table.at_location(location_id, FulfilmentStatus.pending.value):
        mine = [f for f in order.fulfilments if f.location_id == location_id and f.status is FulfilmentStatus.pending]
        pay_in_store = order.payment is PaymentMode.in_store  # picked before it is paid, at the counter
        if mine and (order.status in (OrderStatus.allocated, OrderStatus.picking) or (pay_in_store and order.status is OrderStatus.awaiting_payment)):
            waiting.append(without_codes(order))
    return sorted(waiting, key=lambda order: order.placed_at)
