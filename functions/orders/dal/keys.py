"""Every key of the orders table, in one place.

ORDER#<order_id>     / ORDER      an order (lines, fulfilments, timeline inside); gsi1: the customer's orders
NUMBER#<number>      / NUMBER     claims an order number, so no two orders share one; points to the order
"""

from __future__ import annotations


def order(order_id: str) -> dict:
    return {"pk": f"ORDER#{order_id}", "sk": "ORDER"}


def number(value: str) -> dict:
    return {"pk": f"NUMBER#{value}", "sk": "NUMBER"}


def customer_orders(customer_id: str, placed_at: str, order_id: str) -> dict:
    return {"gsi1pk": f"CUSTOMER#{customer_id}", "gsi1sk": f"{placed_at}#{order_id}"}


def customer_partition(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}"
