"""Orders as items: placing one (with its number) and changing one, each change guarded by the version
the logic read, so two changes of one order can never both apply."""

from __future__ import annotations

from kernel import table
from kernel.context import correlation_id
from orders.dal import keys
from orders.models.order import Order


class Moved(Exception):
    """The order changed since it was read: read it again and decide again."""


def _item(order: Order) -> dict:
    item = {**keys.order(order.order_id), "type": "order", **order.model_dump(mode="json"), "correlation_id": correlation_id()}
    if order.customer_id:
        item.update(keys.customer_orders(order.customer_id, order.placed_at, order.order_id))
    return table.stored({name: value for name, value in item.items() if value is not None})


def order_from(item: dict) -> Order:
    return table.as_model(Order, item)


def placement(order: Order) -> list[dict]:
    """The operations that place a new order: the order, and the claim of its number."""
    claim = {**keys.number(order.number), "type": "order_number", "order_id": order.order_id}
    return [table.put(_item(order), "attribute_not_exists(pk)"), table.put(claim, "attribute_not_exists(pk)")]


def change(before: Order, after: Order) -> dict:
    """The operation that writes `after` over `before`, refused when the stored order is no longer `before`."""
    return table.put(_item(after), "version = :version", {":version": before.version})


def save(before: Order, after: Order, *others: dict) -> None:
    """Write a change of an order together with the other operations that belong to it (holds, returns…)."""
    try:
        table.transact([change(before, after), *others])
    except table.Rejected as rejected:
        if 0 in rejected.failed():
            raise Moved from rejected
        raise


def get(order_id: str) -> Order | None:
    item = table.get(keys.order(order_id))
    return order_from(item) if item else None


def by_number(number: str) -> Order | None:
    claim = table.get(keys.number(number))
    return get(claim["order_id"]) if claim else None


def of_customer(customer_id: str) -> list[Order]:
    """The customer's orders, newest first."""
    items = table.query(keys.customer_partition(customer_id), index="gsi1")
    return sorted((order_from(item) for item in items), key=lambda order: order.placed_at, reverse=True)
