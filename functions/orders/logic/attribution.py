"""Profiles tells orders which orders and accounts belong to a profile (OrdersAttributed, versioned):
orders keeps the profile on each order and each account, the highest version winning, so an old
attribution arriving late never undoes a newer merge or unmerge."""

from __future__ import annotations

from kernel.errors import NotFound
from kernel.observability import logger
from orders.dal import orders as orders_table
from orders.logic import changes
from profiles.models.events import OrdersAttributed


def attribute(event: OrdersAttributed) -> None:
    """Raises LookupError, after attributing the others, when an order is not booked yet (its
    ChannelOrderReceived may still be on its way): EventBridge retries, and the versions make it safe."""
    missing = []
    for customer_id in event.customer_ids:
        orders_table.attribute_account(customer_id, event.profile_id, event.version)
    for order_id in event.order_ids:

        def decide(order):
            if order.profile_version is not None and order.profile_version >= event.version:
                return None
            return order.model_copy(update={"profile_id": event.profile_id, "profile_version": event.version, "version": order.version + 1}), []

        try:
            changes.change(order_id, decide)
        except NotFound:
            missing.append(order_id)
    if missing:
        logger.warning("OrdersAttributed names orders not booked yet: retried", extra={"order_ids": missing})
        raise LookupError(f"orders not booked yet: {', '.join(missing)}")
