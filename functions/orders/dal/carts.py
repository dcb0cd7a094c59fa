"""Carts and the price projection in the orders table."""

from __future__ import annotations

from kernel import table
from kernel.context import correlation_id
from orders.dal import keys
from orders.models.cart import StoredCart

CART_TTL_SECONDS = 90 * 86_400  # an untouched cart is tidied away after 90 days
PRICE_SEQ_GUARD = "attribute_not_exists(pk) OR seq < :seq"


def cart_from(item: dict | None, cart_id: str, customer_id: str | None = None) -> StoredCart:
    return table.as_model(StoredCart, item) if item else StoredCart(cart_id=cart_id, customer_id=customer_id)


def key_of(cart: StoredCart) -> dict:
    return keys.shopper_cart(cart.customer_id) if cart.customer_id else keys.anonymous_cart(cart.cart_id)


def get(key: dict, cart_id: str, customer_id: str | None = None) -> StoredCart:
    return cart_from(table.get(key), cart_id, customer_id)


def write(before: StoredCart, after: StoredCart, now_epoch: int) -> dict:
    """The operation that writes `after`, guarded by the version it was read at (0: absent)."""
    item = {**key_of(after), "type": "cart", **after.model_dump(mode="json"), "ttl": now_epoch + CART_TTL_SECONDS, "correlation_id": correlation_id()}
    if before.version == 0:
        return table.put(item, "attribute_not_exists(pk)")
    return table.put(item, "version = :version", {":version": before.version})


def save(before: StoredCart, after: StoredCart, now_epoch: int, *others: dict) -> bool:
    """False when the cart changed since it was read."""
    try:
        table.transact([write(before, after, now_epoch), *others])
        return True
    except table.Rejected as rejected:
        if 0 in rejected.failed():
            return False
        raise


def set_price(sku: str, channel: str, currency: str, amount: int | None, seq: int) -> bool:
    """Keep the highest seq: an older or repeated PriceChanged writes nothing (False)."""
    item = {**keys.price(sku, channel, currency), "type": "price", "sku": sku, "channel": channel, "currency": currency, "amount": amount, "seq": seq}
    return table.put_now({name: value for name, value in item.items() if value is not None}, PRICE_SEQ_GUARD, {":seq": seq})


def prices(skus: list[str], channel: str, currency: str) -> dict[str, int]:
    found = table.OWN.batch_get([keys.price(sku, channel, currency) for sku in skus])
    return {item["sku"]: int(item["amount"]) for item in found if item.get("amount") is not None}
