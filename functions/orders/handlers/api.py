"""Orders HTTP routes: thin, the rules are in orders.logic."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from kernel.api import create_app, lambda_handler
from kernel.auth import SHOPPER, current_caller
from kernel.errors import errors
from kernel.types import Identifier
from orders.logic import orders
from orders.models.order import Order

app = create_app()
TAGS = ["orders"]
OrderId = Annotated[Identifier, Path()]


@app.get("/v1/me/orders", tags=TAGS, summary="The signed-in shopper's orders from every channel, newest first", **SHOPPER)
def my_orders() -> list[Order]:
    return orders.shopper_orders(current_caller(app).customer_id)


@app.get("/v1/orders/<order_id>", tags=TAGS, summary="One of the signed-in shopper's orders, with its timeline", responses=errors(404), **SHOPPER)
def get_order(order_id: OrderId) -> Order:
    return orders.of_shopper(current_caller(app).customer_id, order_id)


handler = lambda_handler(app)
