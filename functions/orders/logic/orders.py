"""Reading orders, as each caller may: a shopper sees only their own (another's is 404, not 403, so ids
cannot be probed)."""

from __future__ import annotations

from kernel.errors import NotFound
from orders.dal import orders as orders_table
from orders.models.order import Order


def of_shopper(customer_id: str, order_id: str) -> Order:
    order = orders_table.get(order_id)
    if order is None or order.customer_id != customer_id:
        raise NotFound(f"no order {order_id}", field="order_id")
    return order


def shopper_orders(customer_id: str) -> list[Order]:
    return orders_table.of_customer(customer_id)
