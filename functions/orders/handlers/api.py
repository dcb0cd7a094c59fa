"""Orders HTTP routes: thin, the rules are in orders.logic.

Shoppers read and cancel their own orders; a channel reads the orders it placed; store staff (a POS key,
bound to its stores in cdk.json) work their stores' fulfilments and take returns at the counter;
operators do all of it for any order and location (warehouse shipments, returns received there)."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path

from kernel import clock
from kernel.api import create_app, lambda_handler
from kernel.auth import CHANNEL, OPERATOR, SHOPPER, current_caller
from kernel.errors import errors
from kernel.types import Identifier
from orders.logic import cancellation, fulfilment, orders, resourcing, returns
from orders.models.order import Order
from orders.models.requests import PickupCodeIn, RejectionIn
from orders.models.returns import OperatorReturnIn, ReturnIn

app = create_app()
TAGS = ["orders"]
OrderId = Annotated[Identifier, Path()]
LocationId = Annotated[Identifier, Path()]
FulfilmentId = Annotated[Identifier, Path()]
Step = Annotated[Literal["picked", "ready", "shipped", "delivered"], Path()]
STEP_ERRORS = errors(404, 409, 422, described={409: "Not allowed from the fulfilment's or order's status (both named)", 422: "A pickup step on a shipment, or the reverse"})


def _now() -> str:
    return clock.iso(clock.now())


# Shoppers


@app.get("/v1/me/orders", tags=TAGS, summary="The signed-in shopper's orders from every channel, newest first", **SHOPPER)
def my_orders() -> list[Order]:
    return orders.shopper_orders(current_caller(app).customer_id)


@app.get("/v1/orders/<order_id>", tags=TAGS, summary="One of the signed-in shopper's orders, with its timeline (and its pickup code, once)", responses=errors(404), **SHOPPER)
def get_order(order_id: OrderId) -> Order:
    return orders.of_shopper(current_caller(app).customer_id, order_id)


@app.post("/v1/orders/<order_id>/cancel", tags=TAGS, summary="Cancel one's own order before it ships: its stock is released", responses=errors(404, 409), **SHOPPER)
def cancel_my_order(order_id: OrderId) -> Order:
    return cancellation.cancel(order_id, at=_now(), reason="cancelled by the shopper", customer_id=current_caller(app).customer_id)


# Channels and store staff


@app.get("/v1/channel/orders/<order_id>", tags=TAGS, summary="An order the calling channel placed (or, for a store channel, one at its stores)", responses=errors(404), **CHANNEL)
def get_channel_order(order_id: OrderId) -> Order:
    return orders.of_channel(current_caller(app).channel, order_id)


@app.get("/v1/stores/<location_id>/pick-list", tags=TAGS, summary="Orders waiting to be picked at one of the calling POS's stores, oldest first", **CHANNEL)
def pick_list(location_id: LocationId) -> list[Order]:
    orders.require_store(current_caller(app).channel, location_id)
    return orders.pick_list(location_id)


@app.post("/v1/stores/<location_id>/orders/<order_id>/fulfilments/<fulfilment_id>/steps/<step>", tags=TAGS, summary="Picked, ready for pickup, shipped or delivered, at one of the calling POS's stores", responses=STEP_ERRORS, **CHANNEL)
def store_step(location_id: LocationId, order_id: OrderId, fulfilment_id: FulfilmentId, step: Step) -> Order:
    orders.require_store(current_caller(app).channel, location_id)
    return orders.without_codes(fulfilment.step(order_id, fulfilment_id, step, _now(), location_id=location_id))


@app.post("/v1/stores/<location_id>/orders/<order_id>/fulfilments/<fulfilment_id>/collection", tags=TAGS, summary="Hand a pickup over: the shopper's code, and the order paid", responses=STEP_ERRORS, **CHANNEL)
def store_collection(location_id: LocationId, order_id: OrderId, fulfilment_id: FulfilmentId, body: PickupCodeIn) -> Order:
    orders.require_store(current_caller(app).channel, location_id)
    return orders.without_codes(fulfilment.step(order_id, fulfilment_id, "collected", _now(), location_id=location_id, code=body.code))


@app.post("/v1/stores/<location_id>/orders/<order_id>/fulfilments/<fulfilment_id>/rejection", tags=TAGS, summary="This store cannot fulfil lines: their holds are released and they are re-sourced elsewhere", responses=errors(404, 409, 422, described={409: "Its stock left already, or no other location can fulfil a line (no_alternative)"}), **CHANNEL)
def store_rejection(location_id: LocationId, order_id: OrderId, fulfilment_id: FulfilmentId, body: RejectionIn) -> Order:
    orders.require_store(current_caller(app).channel, location_id)
    return orders.without_codes(resourcing.reject(order_id, fulfilment_id, body.lines, body.reason or "no reason given", _now(), location_id=location_id))


@app.post("/v1/stores/<location_id>/orders/<order_id>/returns", tags=TAGS, summary="Receive a return at the counter of one of the calling POS's stores (an order of any channel)", status_code=201, responses=errors(404, 409, 422), **CHANNEL)
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
