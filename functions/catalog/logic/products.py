"""Catalog rules: what makes a product valid, and what a channel is shown of it."""

from __future__ import annotations

from collections import Counter

from catalog.dal import products as table
from catalog.models.product import Product, ProductIn, Sku
from kernel.errors import Conflict, Unprocessable
from kernel.settings import require_known_channel


def new_product(body: ProductIn, known_channels: set[str]) -> Product:
    repeated = [code for code, count in Counter(sku.sku for sku in body.skus).items() if count > 1]
    if repeated:
        raise Unprocessable(f"sku listed twice: {', '.join(repeated)}", errors=[{"in": "body", "field": "skus", "type": "duplicate"}])
    for index, sku in enumerate(body.skus):
        for price_index, price in enumerate(sku.prices):
            require_known_channel(price.channel, known_channels, f"skus.{index}.prices.{price_index}.channel", "body")
    return Product(**body.model_dump(exclude={"skus"}), skus=[Sku(**sku.model_dump(), product_id=body.product_id) for sku in body.skus])


def create(body: ProductIn, known_channels: frozenset[str]) -> Product:
    """Write a new product; a repeat with the same content is a retry and answers the same."""
    product = new_product(body, known_channels)
    try:
        table.create_product(product)
    except Conflict:
        if not is_same_product(table.get_product(product.product_id), product):
            raise
    return product


def is_same_product(existing: Product | None, requested: Product) -> bool:
    """A repeated create with the same content is a retry, not a conflict."""
    return existing is not None and _canonical(existing) == _canonical(requested)


def _canonical(product: Product) -> dict:
    data = product.model_dump()
    for sku in data["skus"]:
        sku["prices"].sort(key=lambda price: (price["channel"], price["currency"]))
    return data


def for_channel(product: Product, channel: str) -> Product:
    """A channel sees only its own prices."""
    return product.model_copy(
        update={"skus": [sku.model_copy(update={"prices": [p for p in sku.prices if p.channel == channel]}) for sku in product.skus]}
    )
