"""Every key of the orders table, in one place.

  ORDER#<order_id>      / ORDER             an order (lines, fulfilments, timeline inside); gsi1: the customer's
                                            orders; gsi3: the orders of a profile (OrdersAttributed)
  ORDER#<order_id>      / FULFILMENT#<id>   one fulfilment as the pick list finds it (gsi2: by location and
                                            status), rewritten in the transaction of every change of its order
  NUMBER#<number>       / NUMBER            claims an order number, so no two orders share one; points to the order
  ACCOUNT#<customer_id> / PROFILE           the profile a shopper's account belongs to (OrdersAttributed)
  CART#<owner>          / CART              a cart: owner customer:<account id> (one per shopper) or anon:<cart id>
  PRICE#<sku>           / <channel>:<cur>   orders' projection of catalog's prices (PriceChanged, highest seq)
  CHECKOUT#<channel>#<customer>#<key> / CHECKOUT   an Idempotency-Key of a checkout: its body's hash, its order
  CAPACITY#<location>   / <date>            orders a location took on that day (guarded by its daily capacity)
"""

from __future__ import annotations


def order(order_id: str) -> dict:
    return {"pk": f"ORDER#{order_id}", "sk": "ORDER"}


def fulfilment(order_id: str, fulfilment_id: str) -> dict:
    return {"pk": f"ORDER#{order_id}", "sk": f"FULFILMENT#{fulfilment_id}"}


def at_location(location_id: str, status: str, placed_at: str, order_id: str) -> dict:
    return {"gsi2pk": location_partition(location_id, status), "gsi2sk": f"{placed_at}#{order_id}"}


def location_partition(location_id: str, status: str) -> str:
    return f"PICK#{location_id}#{status}"


def number(value: str) -> dict:
    return {"pk": f"NUMBER#{value}", "sk": "NUMBER"}


def account(customer_id: str) -> dict:
    return {"pk": f"ACCOUNT#{customer_id}", "sk": "PROFILE"}


def customer_orders(customer_id: str, placed_at: str, order_id: str) -> dict:
    return {"gsi1pk": customer_partition(customer_id), "gsi1sk": f"{placed_at}#{order_id}"}


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
def profile_orders(profile_id: str, placed_at: str, order_id: str) -> dict:
    return {"gsi3pk": profile_partition(profile_id), "gsi3sk": f"{placed_at}#{order_id}"}


def profile_partition(profile_id: str) -> str:
    return f"PROFILE#{profile_id}"
