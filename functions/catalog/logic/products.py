"""Catalog rules: what makes a product valid, and what a channel is shown of it."""

from __future__ import annotations

from collections import Counter

from catalog.models.product import Product, ProductIn, Sku
from kernel.errors import Unprocessable


def new_product(body: ProductIn, known_channels: set[str]) -> Product:
    repeated = [code for code, count in Counter(sku.sku for sku in body.skus).items() if count > 1]
    if repeated:
        raise Unprocessable(f"sku listed twice: {', '.join(repeated)}", errors=[{"in": "body", "field": "skus", "type": "duplicate"}])
    for index, sku in enumerate(body.skus):
        for price_index, price in enumerate(sku.prices):
            check_channel(price.channel, known_channels, field=f"skus.{index}.prices.{price_index}.channel")
    return Product(**body.model_dump(exclude={"skus"}), skus=[Sku(**sku.model_dump(), product_id=body.product_id) for sku in body.skus])


def check_channel(channel: str, known_channels: set[str], field: str) -> None:
    if channel not in known_channels:
        raise Unprocessable(f"unknown channel {channel}", errors=[{"in": "body", "field": field, "type": "unknown_channel"}])


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
