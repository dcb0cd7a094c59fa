"""Every key of the orders table, in one place.

ORDER#<order_id>     / ORDER      an order (lines, fulfilments, timeline inside); gsi1: the customer's orders
NUMBER#<number>      / NUMBER     claims an order number, so no two orders share one; points to the order
CART#<owner>         / CART       a cart: owner customer:<account id> (one per shopper) or anon:<cart id>
PRICE#<sku>          / <channel>:<currency>   orders' projection of catalog's prices (PriceChanged, highest seq)
CHECKOUT#<channel>#<customer>#<key> / CHECKOUT   an Idempotency-Key of a checkout: its body's hash, its order
CAPACITY#<location>  / <date>     orders a location took on that day (guarded by its daily capacity)
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


def shopper_cart(customer_id: str) -> dict:
    return {"pk": f"CART#customer:{customer_id}", "sk": "CART"}


def anonymous_cart(cart_id: str) -> dict:
    return {"pk": f"CART#anon:{cart_id}", "sk": "CART"}


def price(sku: str, channel: str, currency: str) -> dict:
    return {"pk": f"PRICE#{sku}", "sk": f"{channel}:{currency}"}


def checkout(channel: str, customer_id: str, idempotency_key: str) -> dict:
    """Idempotency keys belong to their caller: the channel and the shopper."""
    return {"pk": f"CHECKOUT#{channel}#{customer_id}#{idempotency_key}", "sk": "CHECKOUT"}


def capacity(location_id: str, day: str) -> dict:
    return {"pk": f"CAPACITY#{location_id}", "sk": day}
