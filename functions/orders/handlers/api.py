"""Orders HTTP routes: thin, the rules are in orders.logic."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from kernel.api import create_app, lambda_handler
from kernel.auth import CHANNEL, SHOPPER, current_caller
from kernel.errors import errors
from kernel.types import Identifier, SkuCode
from orders.logic import carts, checkout, orders
from orders.models.cart import Cart, CartCreated, CartLineIn, MergeIn
from orders.models.checkout import CheckoutIn
from orders.models.order import DeliveryMode, Order

app = create_app()
TAGS = ["orders"]
OrderId = Annotated[Identifier, Path()]
CartId = Annotated[Identifier, Path()]
Sku = Annotated[SkuCode, Path()]
Delivery = Annotated[DeliveryMode | None, Query(description="show each line's availability for this delivery mode")]
PickupAt = Annotated[Identifier | None, Query(description="the store, for delivery=pickup")]
IdempotencyKey = Annotated[Identifier, Header(alias="Idempotency-Key", description="the client's key for this checkout: a retry with the same key and body returns the same order")]
CART_ERRORS = {404: "An unknown SKU, or one not sold on the calling channel", 409: "The cart is full (25 lines) or changed too often"}


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


@app.get("/v1/me/orders", tags=TAGS, summary="The signed-in shopper's orders from every channel, newest first", **SHOPPER)
def my_orders() -> list[Order]:
    return orders.shopper_orders(current_caller(app).customer_id)


@app.get("/v1/orders/<order_id>", tags=TAGS, summary="One of the signed-in shopper's orders, with its timeline", responses=errors(404), **SHOPPER)
def get_order(order_id: OrderId) -> Order:
    return orders.of_shopper(current_caller(app).customer_id, order_id)


handler = lambda_handler(app)
