"""Checkout: the shopper's cart becomes an order whose stock is hard-held, in one atomic step.

Two synchronous DynamoDB round trips for up to 25 lines (decision 32): one BatchGetItem across both tables
(the cart, the Idempotency-Key's record and the order it names, the channel's prices, today's capacity
counters, and inventory's rows through inventory.logic.for_orders), then one TransactWriteItems (the order
and its number, the idempotency record, the emptied cart, the capacity counters, inventory's hold
operations). Everything between is pure: the cart is compared with what the shopper confirmed, prices
are re-checked (a change is 409 carrying the new price), sourcing places the lines, Omni computes the totals.

A retry with the same key and body returns the same order, even when the first answer was lost after the
transaction: the order id is derived from the key (channel, shopper, key), so the batched read finds the
record and the order. The same key with another body is 409 idempotency_key_reused.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta

from inventory.logic import for_orders
from kernel import clock, table
from kernel.errors import Conflict, IdempotencyKeyReused, NotFound, Unprocessable
from kernel.settings import Channel
from orders.dal import capacity, keys
from orders.dal import carts as cart_rows
from orders.dal import orders as orders_table
from orders.dal import stock as stock_moves
from orders.logic import sourcing, totals
from orders.logic.config import checkout_config
from orders.logic.numbers import order_number
from orders.models.checkout import CheckoutIn
from orders.models.order import Contact as OrderContact
from orders.models.order import (
    DeliveryMode,
    Fulfilment,
    FulfilmentKind,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMode,
    ShippingAddress,
    TimelineEntry,
)

_NAMESPACE = uuid.UUID("7f0f4a2e-49a5-4d0e-9a63-5f1a3c0de0c1")
_ATTEMPTS = 3  # a number drawn twice, or a capacity counter that filled up meanwhile: read and decide again
IDEMPOTENCY_TTL_SECONDS = 30 * 86_400


def order_id_for(channel_id: str, customer_id: str, idempotency_key: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{channel_id}\n{customer_id}\n{idempotency_key}").hex


def _digest(body: CheckoutIn) -> str:
    return hashlib.sha256(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def _by_key(items: list[dict]) -> dict[tuple[str, str], dict]:
    return {(item["pk"], item["sk"]): item for item in items}


def checkout(channel: Channel, customer_id: str, idempotency_key: str, body: CheckoutIn) -> tuple[Order, bool]:
    """The order (and True when this call placed it; False for a replay)."""
    for _ in range(_ATTEMPTS):
        placed = _attempt(channel, customer_id, idempotency_key, body)
        if placed is not None:
            return placed
    raise Conflict("checkout met too many concurrent changes; try again", code="contention")


def _attempt(channel: Channel, customer_id: str, idempotency_key: str, body: CheckoutIn) -> tuple[Order, bool] | None:
    config = checkout_config()
    currency = config.currency(channel.id)
    moment = clock.now()
    today = moment.date().isoformat()
    order_id = order_id_for(channel.id, customer_id, idempotency_key)
    digest = _digest(body)
    skus = [line.sku for line in body.lines]
    pickup = body.delivery is DeliveryMode.pickup
    sites = [body.pickup_location_id] if pickup else for_orders.location_ids()
    record_key, order_key, cart_key = keys.checkout(channel.id, customer_id, idempotency_key), keys.order(order_id), keys.shopper_cart(customer_id)

    found = table.batch_get(
        {
            table.OWN: [record_key, order_key, cart_key, *(keys.price(sku, channel.id, currency) for sku in skus), *capacity.keys_of(sites, today)],
            for_orders.TABLE: for_orders.keys(skus, sites),
        }
    )
    mine = _by_key(found[table.OWN])
    replay = _replay(mine.get((record_key["pk"], record_key["sk"])), mine.get((order_key["pk"], order_key["sk"])), digest)
    if replay is not None:
        return replay, False

    cart = cart_rows.cart_from(mine.get((cart_key["pk"], cart_key["sk"])), "me", customer_id)
    _check_cart(cart, body)
    prices = {item["sku"]: item.get("amount") for key, item in mine.items() if key[0].startswith("PRICE#")}
    _check_prices(body, prices, channel.id)
    stock = for_orders.Stock.read(found[for_orders.TABLE])
    unknown = stock.unknown(skus)
    if unknown:
        raise NotFound(f"unknown sku: {', '.join(unknown)}", field="lines", skus=unknown)
    if pickup:
        _check_pickup_store(stock, body.pickup_location_id, channel.id)

    used = capacity.used(found[table.OWN])
    candidates = [sourcing.candidate_of(stock, site, channel.id, skus, used.get(site, 0), config.priority.get(site, 0)) for site in sites if stock.location(site)]
    wants = [sourcing.Want(line=str(number), sku=line.sku, quantity=line.quantity) for number, line in enumerate(body.lines, 1)]
    destination = (body.address.latitude, body.address.longitude) if body.address and body.address.latitude is not None and body.address.longitude is not None else None
    plan = sourcing.source(wants, candidates, channel=channel.id, mode=body.delivery, pickup_location_id=body.pickup_location_id, destination=destination, max_shipments=config.max_shipments)

    order = _order(channel, customer_id, order_id, body, plan, stock, moment)
    reservation = for_orders.reserve(
        channel.id,
        order_id,
        [for_orders.HoldLineIn(line=line.line, sku=line.sku, location_id=line.location_id, quantity=line.quantity) for line in order.lines],
        stock,
        moment=moment,
    )
    order = stock_moves.recorded(order, reservation.holds)  # each line keeps its hold: fulfilment moves it unread
    epoch = int(moment.timestamp())
    record = {**record_key, "type": "checkout", "request": digest, "order_id": order_id, "ttl": epoch + IDEMPOTENCY_TTL_SECONDS}
    emptied = cart.model_copy(update={"lines": [], "version": cart.version + 1, "updated_at": order.placed_at})
    own = [
        *orders_table.placement(order),
        table.put(record, "attribute_not_exists(pk)"),
        cart_rows.write(cart, emptied, epoch),
        *(capacity.take(site, today, stock.location(site).daily_capacity, epoch) for site in plan.shipments),
    ]
    operations = own + reservation.operations
    if len(operations) > table.MAX_TRANSACTION_ITEMS:
        raise Unprocessable("this cart needs more writes than one transaction takes: check out fewer lines", errors=[{"in": "body", "field": "lines", "type": "too_large"}])
    try:
        table.transact(operations)
        return order, True
    except table.Rejected as rejected:
        reasons = rejected.reasons
        if reasons[0].code == "ConditionalCheckFailed" or reasons[2].code == "ConditionalCheckFailed":
            return _concurrent_replay(record_key, order_key, digest)
        if reasons[3].code == "ConditionalCheckFailed":
            raise Conflict("the cart changed during checkout: confirm it again", code="cart_changed", field="lines") from rejected
        refusal = reservation.refusal(reasons[len(own) :])
        if refusal is not None:
            raise refusal from rejected
        return None  # the number was drawn twice, or a location's capacity filled up meanwhile: again


def _replay(record: dict | None, order: dict | None, digest: str) -> Order | None:
    if record is None:
        return None
    if record["request"] != digest:
        raise IdempotencyKeyReused("this Idempotency-Key was used for another checkout", field="idempotency-key")
    return orders_table.order_from(order)


def _concurrent_replay(record_key: dict, order_key: dict, digest: str) -> tuple[Order, bool] | None:
    """Another call with the same key won the race: its answer is ours (read once more)."""
    found = _by_key(table.OWN.batch_get([record_key, order_key]))
    order = _replay(found.get((record_key["pk"], record_key["sk"])), found.get((order_key["pk"], order_key["sk"])), digest)
    return (order, False) if order is not None else None


def _check_cart(cart, body: CheckoutIn) -> None:
    if not cart.lines:
        raise Unprocessable("the cart is empty", errors=[{"in": "body", "field": "lines", "type": "empty_cart"}])
    in_cart = {line.sku: line.quantity for line in cart.lines}
    confirmed = {line.sku: line.quantity for line in body.lines}
    if in_cart != confirmed:
        raise Conflict("the cart is not what was confirmed: show it again", code="cart_changed", field="lines", cart=[{"sku": sku, "quantity": quantity} for sku, quantity in in_cart.items()])


def _check_prices(body: CheckoutIn, prices: dict[str, int | None], channel_id: str) -> None:
    unsold = [line.sku for line in body.lines if prices.get(line.sku) is None]
    if unsold:
        raise NotFound(f"not sold on {channel_id}: {', '.join(unsold)}", field="lines", skus=unsold)
    changed = [{"sku": line.sku, "confirmed": line.unit_price, "unit_price": int(prices[line.sku])} for line in body.lines if int(prices[line.sku]) != line.unit_price]
    if changed:
        raise Conflict("prices changed: " + ", ".join(f"{c['sku']} is now {c['unit_price']}" for c in changed), code="price_changed", field="lines", lines=changed)


def _check_pickup_store(stock: for_orders.Stock, location_id: str, channel_id: str) -> None:
    location = stock.location(location_id)
    if location is None:
        raise NotFound(f"unknown location {location_id}", field="pickup_location_id")
    if for_orders.Capability.pickup not in location.capabilities:
        raise Unprocessable(f"{location_id} is not a pickup store", errors=[{"in": "body", "field": "pickup_location_id", "type": "not_a_pickup_store"}])
    if not stock.serves(location_id, channel_id):
        state = "is closed" if not location.open else f"does not serve {channel_id}"
        raise Conflict(f"location {location_id} {state}", code="location_not_serving", field="pickup_location_id")


def _order(channel: Channel, customer_id: str, order_id: str, body: CheckoutIn, plan: sourcing.Plan, stock: for_orders.Stock, moment) -> Order:
    config = checkout_config()
    currency = config.currency(channel.id)
    at = clock.iso(moment)
    located = {allocation.line: allocation.location_id for allocation in plan.sourcing.allocations}
    fulfilment_of = {location_id: f"F{number}" for number, location_id in enumerate(plan.shipments, 1)}
    kind = FulfilmentKind.pickup if body.delivery is DeliveryMode.pickup else FulfilmentKind.ship
    shipment_kinds = ["pickup"] if kind is FulfilmentKind.pickup else [("ship_from_store" if stock.location(site).kind.value == "store" else "ship") for site in plan.shipments]
    shipping = totals.shipping_of(shipment_kinds, config.shipping)
    country = stock.location(body.pickup_location_id).address.country if body.delivery is DeliveryMode.pickup else body.address.country
    inclusive = config.inclusive(channel.id, currency)
    line_totals = [line.unit_price * line.quantity for line in body.lines]
    figures, line_taxes = totals.totals(line_totals, shipping, config.tax_rate(country), inclusive, currency)
    lines = [
        OrderLine(
            line=str(number),
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line_total,
            tax=tax,
            location_id=located[str(number)],
            fulfilment_id=fulfilment_of[located[str(number)]],
        )
        for number, (line, line_total, tax) in enumerate(zip(body.lines, line_totals, line_taxes, strict=True), 1)
    ]
    online = body.payment.value == PaymentMode.online.value
    address = ShippingAddress(**body.address.model_dump()) if body.address else None
    return Order(
        order_id=order_id,
        number=order_number(channel.id),
        channel=channel.id,
        channel_kind=channel.kind,
        customer_id=customer_id,
        contact=OrderContact(**body.contact.model_dump()),
        status=OrderStatus.awaiting_payment,
        delivery_mode=body.delivery,
        delivery=plan.delivery,
        payment=PaymentMode(body.payment.value),
        pay_by=clock.iso(moment + timedelta(minutes=config.pay_within_minutes)) if online else None,
        pickup_location_id=body.pickup_location_id,
        address=address,
        lines=lines,
        fulfilments=[Fulfilment(fulfilment_id=fulfilment_of[site], location_id=site, kind=kind, lines=plan.shipments[site]) for site in plan.shipments],
        totals=figures,
        sourcing=plan.sourcing,
        timeline=[
            TimelineEntry(at=at, kind="status", status=OrderStatus.awaiting_payment, message="placed, awaiting payment" if online else "placed, to be paid in store"),
            TimelineEntry(at=at, kind="sourcing", message="; ".join(plan.sourcing.explanation)),
        ],
        placed_at=at,
        updated_at=at,
    )
