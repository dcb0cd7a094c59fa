"""Orders HTTP routes: thin, the rules are in orders.logic.

Shoppers keep one cart across channels (a storefront may keep an anonymous one until sign-in) and check
it out; shoppers read and cancel their own orders; a channel reads the orders it placed; store staff (a POS key,
bound to its stores in cdk.json) work their stores' fulfilments and take returns at the counter;
operators do all of it for any order and location (warehouse shipments, returns received there)."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from kernel import clock
from kernel.api import create_app, lambda_handler
from kernel.auth import CHANNEL, OPERATOR, SHOPPER, current_caller
from kernel.errors import errors
from kernel.lazy import on_first_use
from kernel.types import Identifier, SkuCode
from orders.models.order import DeliveryMode, Order

# Imported on the first request of a route that uses them (kernel.lazy, decision 70), not by the init.
cancellation, carts, checkout, fulfilment, orders, resourcing, returns = on_first_use(globals(), "orders.logic", "cancellation", "carts", "checkout", "fulfilment", "orders", "resourcing", "returns")
Cart, CartCreated, CartLineIn, MergeIn = on_first_use(globals(), "orders.models.cart", "Cart", "CartCreated", "CartLineIn", "MergeIn")
CheckoutIn = on_first_use(globals(), "orders.models.checkout", "CheckoutIn")
PickupCodeIn, RejectionIn = on_first_use(globals(), "orders.models.requests", "PickupCodeIn", "RejectionIn")
OperatorReturnIn, ReturnIn, ShopperReturnIn = on_first_use(globals(), "orders.models.returns", "OperatorReturnIn", "ReturnIn", "ShopperReturnIn")

app = create_app()
TAGS = ["orders"]
OrderId = Annotated[Identifier, Path()]
LocationId = Annotated[Identifier, Path()]
FulfilmentId = Annotated[Identifier, Path()]
Step = Annotated[Literal["picked", "ready", "shipped", "delivered"], Path()]
CartId = Annotated[Identifier, Path()]
Sku = Annotated[SkuCode, Path()]
Delivery = Annotated[DeliveryMode | None, Query(description="show each line's availability for this delivery mode")]
PickupAt = Annotated[Identifier | None, Query(description="the store, for delivery=pickup")]
IdempotencyKey = Annotated[Identifier, Header(alias="Idempotency-Key", description="the client's key for this checkout: a retry with the same key and body returns the same order")]
CART_ERRORS = {404: "An unknown SKU, or one not sold on the calling channel", 409: "The cart is full (25 lines) or changed too often"}
COLLECTION_ERRORS = {
    409: "Not allowed from the fulfilment's or order's status (both named), not paid yet, or `pickup_locked`: too many wrong codes, every code is refused until `locked_until`",
    422: "`wrong_pickup_code` (with `attempts_left`; the attempt counts), or a shipment, not a pickup",
}
STEP_ERRORS = errors(404, 409, 422, described={409: "Not allowed from the fulfilment's or order's status (both named)", 422: "A pickup step on a shipment, or the reverse"})


def _now() -> str:
    return clock.iso(clock.now())


# The signed-in shopper's cart, shared by every channel


@app.get("/v1/cart", tags=TAGS, summary="The shopper's cart, priced by the calling channel", **SHOPPER)
def get_cart(delivery: Delivery = None, location_id: PickupAt = None) -> Cart:
    caller = current_caller(app)
    return carts.shown(carts.shopper_cart(caller.customer_id), caller.channel, delivery, location_id)


@app.put("/v1/cart/lines/<sku>", tags=TAGS, summary="Set a SKU's quantity in the shopper's cart", responses=errors(described=CART_ERRORS), **SHOPPER)
def put_cart_line(sku: Sku, body: CartLineIn) -> Cart:
    caller = current_caller(app)
    return carts.shown(carts.set_line(caller.channel, caller.customer_id, None, sku, body.quantity), caller.channel)


@app.delete("/v1/cart/lines/<sku>", tags=TAGS, summary="Remove a SKU from the shopper's cart", responses=errors(409), **SHOPPER)
def delete_cart_line(sku: Sku) -> Cart:
    caller = current_caller(app)
    return carts.shown(carts.set_line(caller.channel, caller.customer_id, None, sku, None), caller.channel)


@app.post("/v1/cart/merge", tags=TAGS, summary="Merge an anonymous cart into the shopper's at sign-in (once)", responses=errors(404, 409), **SHOPPER)
def merge_cart(body: MergeIn) -> Cart:
    caller = current_caller(app)
    return carts.shown(carts.merge(caller.channel, caller.customer_id, body.cart_id), caller.channel)


# Anonymous carts: a storefront keeps the id until the shopper signs in


@app.post("/v1/carts", tags=TAGS, summary="Start an anonymous cart (its id is its only credential: keep it secret)", status_code=201, **CHANNEL)
def create_cart() -> CartCreated:
    return CartCreated(cart_id=carts.create_anonymous(current_caller(app).channel))


@app.get("/v1/carts/<cart_id>", tags=TAGS, summary="An anonymous cart of the calling channel", responses=errors(404), **CHANNEL)
def get_anonymous_cart(cart_id: CartId, delivery: Delivery = None, location_id: PickupAt = None) -> Cart:
    channel = current_caller(app).channel
    return carts.shown(carts.anonymous_cart(channel, cart_id), channel, delivery, location_id)


@app.put("/v1/carts/<cart_id>/lines/<sku>", tags=TAGS, summary="Set a SKU's quantity in an anonymous cart", responses=errors(described=CART_ERRORS), **CHANNEL)
def put_anonymous_line(cart_id: CartId, sku: Sku, body: CartLineIn) -> Cart:
    channel = current_caller(app).channel
    return carts.shown(carts.set_line(channel, None, cart_id, sku, body.quantity), channel)


@app.delete("/v1/carts/<cart_id>/lines/<sku>", tags=TAGS, summary="Remove a SKU from an anonymous cart", responses=errors(404, 409), **CHANNEL)
def delete_anonymous_line(cart_id: CartId, sku: Sku) -> Cart:
    channel = current_caller(app).channel
    return carts.shown(carts.set_line(channel, None, cart_id, sku, None), channel)


# Checkout


@app.post(
    "/v1/checkout",
    tags=TAGS,
    summary="Place the shopper's cart as an order, its stock hard-held, in one atomic step",
    status_code=201,
    responses=errors(404, 409, described={409: "The cart, a price (the new one is in `lines`), stock, a store or the Idempotency-Key conflicts"}),
    **SHOPPER,
)
def post_checkout(idempotency_key: IdempotencyKey, body: CheckoutIn) -> Order:
    caller = current_caller(app)
    order, _ = checkout.checkout(caller.channel, caller.customer_id, idempotency_key, body)
    return order


# Shoppers' orders


@app.get("/v1/me/orders", tags=TAGS, summary="The signed-in shopper's orders from every channel, newest first", **SHOPPER)
def my_orders() -> list[Order]:
    return orders.shopper_orders(current_caller(app).customer_id)


@app.get("/v1/orders/<order_id>", tags=TAGS, summary="One of the signed-in shopper's orders, with its timeline (and its pickup code, once)", responses=errors(404), **SHOPPER)
def get_order(order_id: OrderId) -> Order:
    return orders.of_shopper(current_caller(app).customer_id, order_id)


@app.post("/v1/orders/<order_id>/cancel", tags=TAGS, summary="Cancel one's own order before it ships: its stock is released", responses=errors(404, 409), **SHOPPER)
def cancel_my_order(order_id: OrderId) -> Order:
    return cancellation.cancel(order_id, at=_now(), reason="cancelled by the shopper", customer_id=current_caller(app).customer_id)


@app.post(
    "/v1/me/orders/<order_id>/returns",
    tags=TAGS,
    summary="Start a return of one's own order online: a store or the warehouse then receives it (naming its request_id)",
    status_code=201,
    responses=errors(404, 409, 422, described={409: "The return_key was used for another request", 422: "Nothing handed over yet, an unknown line, or more units than are left to return"}),
    **SHOPPER,
)
def start_my_return(order_id: OrderId, body: ShopperReturnIn) -> Order:
    customer_id = current_caller(app).customer_id
    return orders.without_codes(returns.start(order_id, body, customer_id=customer_id, at=_now()))


# Channels and store staff


@app.get("/v1/channel/orders/<order_id>", tags=TAGS, summary="An order the calling channel placed (or, for a store channel, one at its stores)", responses=errors(404), **CHANNEL)
def get_channel_order(order_id: OrderId) -> Order:
    return orders.of_channel(current_caller(app).channel, order_id)


@app.get("/v1/stores/<location_id>/pick-list", tags=TAGS, summary="Orders waiting to be picked at one of the calling POS's stores, oldest first", **CHANNEL)
def pick_list(location_id: LocationId) -> list[Order]:
    orders.require_store(current_caller(app).channel, location_id)
    return orders.pick_list(location_id)


@app.post(
    "/v1/stores/<location_id>/orders/<order_id>/fulfilments/<fulfilment_id>/steps/<step>",
    tags=TAGS,
    summary="Picked, ready for pickup, shipped or delivered, at one of the calling POS's stores",
    responses=STEP_ERRORS,
    **CHANNEL,
)
def store_step(location_id: LocationId, order_id: OrderId, fulfilment_id: FulfilmentId, step: Step) -> Order:
    orders.require_store(current_caller(app).channel, location_id)
    return orders.without_codes(fulfilment.step(order_id, fulfilment_id, step, _now(), location_id=location_id))


@app.post(
    "/v1/stores/<location_id>/orders/<order_id>/fulfilments/<fulfilment_id>/collection",
    tags=TAGS,
    summary="Hand a pickup over: the shopper's code, and the order paid (a few wrong codes lock the pickup for a while)",
    responses=errors(404, 409, 422, described=COLLECTION_ERRORS),
    **CHANNEL,
)
def store_collection(location_id: LocationId, order_id: OrderId, fulfilment_id: FulfilmentId, body: PickupCodeIn) -> Order:
    orders.require_store(current_caller(app).channel, location_id)
    return orders.without_codes(fulfilment.step(order_id, fulfilment_id, "collected", _now(), location_id=location_id, code=body.code))


@app.post(
    "/v1/stores/<location_id>/orders/<order_id>/fulfilments/<fulfilment_id>/rejection",
    tags=TAGS,
    summary="This store cannot fulfil lines: their holds are released and they are re-sourced elsewhere",
    responses=errors(404, 409, 422, described={409: "Its stock left already, or no other location can fulfil a line (no_alternative)"}),
    **CHANNEL,
)
def store_rejection(location_id: LocationId, order_id: OrderId, fulfilment_id: FulfilmentId, body: RejectionIn) -> Order:
    orders.require_store(current_caller(app).channel, location_id)
    return orders.without_codes(resourcing.reject(order_id, fulfilment_id, body.lines, body.reason or "no reason given", _now(), location_id=location_id))


@app.post(
    "/v1/stores/<location_id>/orders/<order_id>/returns",
    tags=TAGS,
    summary="Receive a return at the counter of one of the calling POS's stores (an order of any channel)",
    status_code=201,
    responses=errors(404, 409, 422),
    **CHANNEL,
)
def store_return(location_id: LocationId, order_id: OrderId, body: ReturnIn) -> Order:
    channel = current_caller(app).channel
    orders.require_store(channel, location_id)
    return orders.without_codes(returns.receive(order_id, body, channel=channel.id, location_id=location_id, at=_now()))


# Operators


@app.get("/v1/ops/orders/<order_id>", tags=TAGS, summary="Any order, with its timeline", responses=errors(404), **OPERATOR)
def get_any_order(order_id: OrderId) -> Order:
    return orders.of_operator(order_id)


@app.post("/v1/ops/orders/<order_id>/cancel", tags=TAGS, summary="Cancel an order before it ships: its stock is released, a paid one refunded", responses=errors(404, 409), **OPERATOR)
def cancel_any_order(order_id: OrderId) -> Order:
    return orders.without_codes(cancellation.cancel(order_id, at=_now(), reason="cancelled by an operator"))


@app.post("/v1/ops/orders/<order_id>/fulfilments/<fulfilment_id>/steps/<step>", tags=TAGS, summary="A fulfilment step at any location (e.g. a warehouse shipment)", responses=STEP_ERRORS, **OPERATOR)
def operator_step(order_id: OrderId, fulfilment_id: FulfilmentId, step: Step) -> Order:
    return orders.without_codes(fulfilment.step(order_id, fulfilment_id, step, _now()))


@app.post("/v1/ops/orders/<order_id>/returns", tags=TAGS, summary="Receive a return at any location (e.g. the warehouse)", status_code=201, responses=errors(404, 409, 422), **OPERATOR)
def operator_return(order_id: OrderId, body: OperatorReturnIn) -> Order:
    return orders.without_codes(returns.receive(order_id, body, channel="operators", location_id=body.location_id, at=_now()))


handler = lambda_handler(app)
