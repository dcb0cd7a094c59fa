"""Catalog HTTP routes: thin, the rules are in catalog.logic."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from kernel.api import create_app, lambda_handler
from kernel.auth import CHANNEL, OPERATOR, current_caller
from kernel.errors import NotFound, errors
from kernel.lazy import on_first_use
from kernel.settings import require_known_channel, settings
from kernel.types import ChannelId, Identifier, SkuCode

# Imported on the first request of a route that uses them (kernel.lazy, decision 70), not by the init.
table = on_first_use(globals(), "catalog.dal", "products as table")
rules = on_first_use(globals(), "catalog.logic", "products as rules")
PriceIn, Product, ProductIn, Sku = on_first_use(globals(), "catalog.models.product", "PriceIn", "Product", "ProductIn", "Sku")

app = create_app()
TAGS = ["catalog"]


@app.post("/v1/products", tags=TAGS, summary="Create a product with its SKUs and channel prices", status_code=201, responses=errors(404, 409), **OPERATOR)
def create_product(body: ProductIn) -> Product:
    return rules.create(body, settings().channel_ids)


@app.get("/v1/products/<product_id>", tags=TAGS, summary="A product with the calling channel's prices", responses=errors(404), **CHANNEL)
def get_product(product_id: Annotated[Identifier, Path()]) -> Product:
    product = table.get_product(product_id)
    if product is None:
        raise NotFound(f"unknown product {product_id}", field="product_id")
    return rules.for_channel(product, current_caller(app).channel.id)


@app.put("/v1/skus/<sku>/prices/<channel_id>", tags=TAGS, summary="Set a SKU's price for a channel and currency", responses=errors(404), **OPERATOR)
def set_price(sku: Annotated[SkuCode, Path()], channel_id: Annotated[ChannelId, Path()], body: PriceIn) -> Sku:
    require_known_channel(channel_id, settings().channel_ids, "channel_id")
    return table.set_price(sku, channel_id, body.currency, body.amount)


handler = lambda_handler(app)
