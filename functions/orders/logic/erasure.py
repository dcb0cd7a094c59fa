"""Profiles' ProfileErased: the erased person's orders keep their figures (lines, SKUs, amounts, statuses,
timeline codes, returns, refunds) and lose everything personal: contact, address, account, and the timeline's
free text (an operator's reason may name someone). Their accounts' carts and profile rows go.

Idempotent by state, so a redelivery, a replay or a second erasure changes nothing: an order with nothing
personal left is not written again. Order-tolerant: an order the event names that is not booked yet (its
ChannelOrderReceived still on its way) makes the invocation fail after the others, for EventBridge to retry.
"""

from __future__ import annotations

from kernel.errors import NotFound
from kernel.observability import logger
from orders.dal import erasure as erasure_table
from orders.dal import orders as orders_table
from orders.logic import changes
from orders.models.order import Contact, Order, TimelineEntry

ERASED = "personal data erased"


def anonymized(order: Order, at: str) -> Order | None:
    """The order without personal data (None: it has none left)."""
    if order.contact == Contact() and order.address is None and order.customer_id is None:
        return None
    version = order.version + 1
    timeline = [entry.model_copy(update={"message": ""}) for entry in order.timeline]
    timeline.append(TimelineEntry(at=at, kind="privacy", version=version, message=ERASED))
    return order.model_copy(update={"contact": Contact(), "address": None, "customer_id": None, "timeline": timeline, "version": version, "updated_at": at})


def erase(profile_id: str, order_ids: list[str], customer_ids: list[str], at: str) -> None:
    for customer_id in customer_ids:
        order_ids = [*order_ids, *(order.order_id for order in orders_table.of_customer(customer_id))]
        erasure_table.forget_account(customer_id)
    order_ids = sorted({*order_ids, *erasure_table.orders_of_profile(profile_id)})
    missing = []
    for order_id in order_ids:
        try:
            changes.change(order_id, lambda order: _decision(order, at))
        except NotFound:
            missing.append(order_id)
    logger.info("erased profile's orders anonymized", extra={"profile_id": profile_id, "orders": len(order_ids) - len(missing)})
    if missing:
        raise LookupError(f"orders not booked yet: {', '.join(missing)}")


def _decision(order: Order, at: str):
    after = anonymized(order, at)
    return None if after is None else (after, [])
