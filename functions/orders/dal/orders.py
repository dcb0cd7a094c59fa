"""Orders as items: placing one (with its number) and changing one, each change guarded by the version
the logic read, so two changes of one order can never both apply. Every write of an order rewrites its
fulfilments' pick-list items in the same transaction, so the pick list never disagrees with the order."""

from __future__ import annotations

from kernel import table
from kernel.context import correlation_id
from orders.dal import keys
from orders.models.order import Order


class Moved(Exception):
    """The order changed since it was read: read it again and decide again."""


def _item(order: Order) -> dict:
    dumped = order.model_dump(mode="json")
    for fulfilment, stored in zip(order.fulfilments, dumped["fulfilments"], strict=True):
        stored["pickup_code_hash"] = fulfilment.pickup_code_hash  # excluded from answers, kept here
    for line, stored in zip(order.lines, dumped["lines"], strict=True):
        stored["hold"] = line.hold.model_dump(mode="json") if line.hold else None  # the same
    item = {**keys.order(order.order_id), "type": "order", **dumped, "correlation_id": correlation_id()}
    if order.customer_id:
        item.update(keys.customer_orders(order.customer_id, order.placed_at, order.order_id))
    if order.profile_id:
        item.update(keys.profile_orders(order.profile_id, order.placed_at, order.order_id))
    return table.stored(_without_none(item))


def _without_none(value):
    if isinstance(value, dict):
        return {name: _without_none(item) for name, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def _pick_items(order: Order) -> list[dict]:
    """One item per fulfilment, found by (location, fulfilment status) on gsi2."""
    operations = []
    for fulfilment in order.fulfilments:
        item = {
            **keys.fulfilment(order.order_id, fulfilment.fulfilment_id),
            **keys.at_location(fulfilment.location_id, fulfilment.status.value, order.placed_at, order.order_id),
            "type": "fulfilment",
            "order_id": order.order_id,
            "fulfilment_id": fulfilment.fulfilment_id,
            "order_status": order.status.value,
            "order_version": order.version,
        }
        operations.append(table.put(item))
    return operations


def order_from(item: dict) -> Order:
    return table.as_model(Order, item)


def placement(order: Order) -> list[dict]:
    """The operations that place a new order: the order, the claim of its number, its pick-list items."""
    claim = {**keys.number(order.number), "type": "order_number", "order_id": order.order_id}
    return [table.put(_item(order), "attribute_not_exists(pk)"), table.put(claim, "attribute_not_exists(pk)"), *_pick_items(order)]


def change(before: Order, after: Order) -> list[dict]:
    """The operations that write `after` over `before`, refused when the stored order is no longer `before`."""
    return [table.put(_item(after), "version = :version", {":version": before.version}), *_pick_items(after)]


def save(before: Order, after: Order, *others: dict) -> None:
    """Write a change of an order together with the other operations that belong to it (holds, returns…)."""
    try:
        table.transact([*change(before, after), *others])
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


def _newest_first(items: list[dict]) -> list[Order]:
    return sorted((order_from(item) for item in items), key=lambda order: order.placed_at, reverse=True)


def of_customer(customer_id: str) -> list[Order]:
    """The customer's orders, newest first."""
    return _newest_first(table.query(keys.customer_partition(customer_id), index="gsi1"))


def of_shopper(customer_id: str) -> list[Order]:
    """The orders of the shopper's account and of the whole profile it belongs to (every channel), newest first."""
    found = {order.order_id: order for order in of_customer(customer_id)}
    profile = table.get(keys.account(customer_id))
    if profile:
        for item in table.query(keys.profile_partition(profile["profile_id"]), index="gsi3"):
            found.setdefault(item["order_id"], order_from(item))
    return sorted(found.values(), key=lambda order: order.placed_at, reverse=True)


def at_location(location_id: str, status: str) -> list[Order]:
    """The orders with a fulfilment at the location in that status (the index lags a little: each order
    is read again, consistently)."""
    entries = table.query(keys.location_partition(location_id, status), index="gsi2")
    wanted = [keys.order(entry["order_id"]) for entry in entries]
    return _newest_first([item for item in table.OWN.batch_get(wanted) if item.get("type") == "order"])


def account_profile(customer_id: str) -> dict | None:
    return table.get(keys.account(customer_id))


def attribute_account(customer_id: str, profile_id: str, version: int) -> bool:
    """Bind an account to a profile unless a newer attribution did already; False when it was older."""
    item = {**keys.account(customer_id), "type": "account_profile", "customer_id": customer_id, "profile_id": profile_id, "profile_version": version}
    return table.put_now(item, "attribute_not_exists(pk) OR profile_version < :version", {":version": version})
