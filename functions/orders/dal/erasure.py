"""What an erasure removes besides the orders' personal fields: an account's cart and its profile row."""

from __future__ import annotations

from kernel import table
from orders.dal import keys


def forget_account(customer_id: str) -> None:
    """Both deletes are idempotent: a repeat finds nothing to delete."""
    table.transact([table.delete(keys.shopper_cart(customer_id)), table.delete(keys.account(customer_id))])


def orders_of_profile(profile_id: str) -> list[str]:
    """The orders attributed to the profile (gsi3), on top of those the event names."""
    return [item["order_id"] for item in table.query(keys.profile_partition(profile_id), index="gsi3")]
