"""Carts: one per shopper, shared by every channel; anonymous carts a storefront keeps by an unguessable id,
merged into the shopper's at sign-in. A cart keeps SKUs and quantities; the calling channel's price book
prices it whenever it is shown, and availability is shown for the delivery mode the shopper looks at."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from inventory.logic import for_orders
from kernel import clock, table
from kernel.errors import Conflict, NotFound
from kernel.settings import Channel
from orders.dal import carts as cart_rows
from orders.dal import keys
from orders.logic.config import checkout_config
from orders.logic.sourcing import ships
from orders.models.cart import MAX_LINES, MAX_QUANTITY, Cart, CartLine, StoredCart, StoredLine
from orders.models.order import DeliveryMode

ME = "me"  # the cart id a shopper's own cart is shown with
_ATTEMPTS = 4


def _shopper(customer_id: str) -> tuple[dict, str, str | None]:
    return keys.shopper_cart(customer_id), ME, customer_id


def _anonymous(channel: Channel, cart_id: str) -> StoredCart:
    cart = cart_rows.get(keys.anonymous_cart(cart_id), cart_id)
    if cart.version == 0 or cart.channel != channel.id:
        raise NotFound(f"no cart {cart_id}", field="cart_id")  # another channel's cart is nobody's business
    return cart


def create_anonymous(channel: Channel) -> str:
    cart_id = secrets.token_hex(16)  # 128 bits: the id is the only credential of an anonymous cart
    cart = StoredCart(cart_id=cart_id, channel=channel.id, version=1, updated_at=clock.iso(clock.now()))
    cart_rows.save(StoredCart(cart_id=cart_id), cart, int(clock.now().timestamp()))
    return cart_id


def _change(read: Callable[[], StoredCart], edit: Callable[[StoredCart], StoredCart]) -> StoredCart:
    moment = clock.now()
    for _ in range(_ATTEMPTS):
        before = read()
        after = edit(before).model_copy(update={"version": before.version + 1, "updated_at": clock.iso(moment)})
        if cart_rows.save(before, after, int(moment.timestamp())):
            return after
    raise Conflict("the cart changed too often; try again", code="contention")


def _set(cart: StoredCart, sku: str, quantity: int | None) -> StoredCart:
    lines = [line for line in cart.lines if line.sku != sku]
    if quantity:
        if len(lines) >= MAX_LINES and len(lines) == len(cart.lines):
            raise Conflict(f"a cart holds at most {MAX_LINES} lines", code="cart_full", field="sku")
        current = next((line for line in cart.lines if line.sku == sku), None)
        lines.append(StoredLine(sku=sku, quantity=quantity, added_at=current.added_at if current else clock.iso(clock.now())))
        lines.sort(key=lambda line: line.added_at)
    return cart.model_copy(update={"lines": lines})


def _require_sold(channel: Channel, sku: str) -> None:
    config = checkout_config()
    if sku not in cart_rows.prices([sku], channel.id, config.currency(channel.id)):
        raise NotFound(f"sku {sku} is not sold on {channel.id}", field="sku")


def set_line(channel: Channel, customer_id: str | None, cart_id: str | None, sku: str, quantity: int | None) -> StoredCart:
    """Set (or with None remove) a SKU's quantity in the shopper's cart, or in an anonymous cart."""
    if quantity:
        _require_sold(channel, sku)
    if customer_id:
        key, shown, owner = _shopper(customer_id)
        return _change(lambda: cart_rows.get(key, shown, owner), lambda cart: _set(cart, sku, quantity))
    return _change(lambda: _anonymous(channel, cart_id or ""), lambda cart: _set(cart, sku, quantity))


def shopper_cart(customer_id: str) -> StoredCart:
    key, shown, owner = _shopper(customer_id)
    return cart_rows.get(key, shown, owner)


def anonymous_cart(channel: Channel, cart_id: str) -> StoredCart:
    return _anonymous(channel, cart_id)


def merge(channel: Channel, customer_id: str, cart_id: str) -> StoredCart:
    """The anonymous cart's lines join the shopper's (same SKU: quantities added, at most MAX_QUANTITY),
    and the anonymous cart is marked merged, in one transaction: a repeat merges nothing twice."""
    key, shown, owner = _shopper(customer_id)
    moment = clock.now()
    for _ in range(_ATTEMPTS):
        anonymous = cart_rows.get(keys.anonymous_cart(cart_id), cart_id)
        if anonymous.version == 0 or anonymous.channel != channel.id or anonymous.merged_into not in (None, customer_id):
            raise NotFound(f"no cart {cart_id}", field="cart_id")
        before = cart_rows.get(key, shown, owner)
        if anonymous.merged_into == customer_id:
            return before  # merged already: a retried sign-in
        quantities = {line.sku: line for line in before.lines}
        lines = list(before.lines)
        for line in anonymous.lines:
            if line.sku in quantities:
                lines = [other.model_copy(update={"quantity": min(MAX_QUANTITY, other.quantity + line.quantity)}) if other.sku == line.sku else other for other in lines]
            elif len(lines) < MAX_LINES:
                lines.append(line)
        now = clock.iso(moment)
        after = before.model_copy(update={"lines": lines, "version": before.version + 1, "updated_at": now})
        merged = anonymous.model_copy(update={"lines": [], "merged_into": customer_id, "version": anonymous.version + 1, "updated_at": now})
        epoch = int(moment.timestamp())
        try:
            table.transact([cart_rows.write(before, after, epoch), cart_rows.write(anonymous, merged, epoch)])
            return after
        except table.Rejected:
            continue  # either cart changed since it was read: look again
    raise Conflict("the carts changed too often; try again", code="contention")


def shown(cart: StoredCart, channel: Channel, delivery: DeliveryMode | None = None, location_id: str | None = None) -> Cart:
    """The cart priced by the calling channel's price book, with each line's availability for the delivery
    mode asked for (pickup: at that store; ship: the locations that ship for the channel), in one batched read."""
    config = checkout_config()
    currency = config.currency(channel.id)
    skus = [line.sku for line in cart.lines]
    sites = [location_id] if delivery is DeliveryMode.pickup and location_id else (for_orders.location_ids() if delivery else [])
    reads = {table.OWN: [keys.price(sku, channel.id, currency) for sku in skus]}
    if delivery and skus:
        reads[for_orders.TABLE] = for_orders.keys(skus, sites)
    found = table.batch_get(reads) if skus else {}
    prices = {item["sku"]: int(item["amount"]) for item in found.get(table.OWN, []) if item.get("amount") is not None}
    stock = for_orders.Stock.read(found.get(for_orders.TABLE, []))

    def available(sku: str) -> int | None:
        if delivery is None:
            return None
        if delivery is DeliveryMode.pickup:
            return stock.available(sku, location_id) if location_id and stock.serves(location_id, channel.id) else 0
        shipping = [site for site in sites if stock.serves(site, channel.id) and ships(stock.location(site).kind.value, {c.value for c in stock.location(site).capabilities})]
        return sum(stock.available(sku, site) for site in shipping)

    lines = [
        CartLine(sku=line.sku, quantity=line.quantity, unit_price=prices.get(line.sku), line_total=prices[line.sku] * line.quantity if line.sku in prices else None, available=available(line.sku))
        for line in cart.lines
    ]
    return Cart(
        cart_id=cart.cart_id,
        channel=channel.id,
        currency=currency,
        lines=lines,
        subtotal=sum(line.line_total or 0 for line in lines),
        version=cart.version,
        merged_into=cart.merged_into,
    )
