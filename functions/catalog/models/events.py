"""Events the catalog publishes."""

from __future__ import annotations

from kernel.envelope import DomainEvent


class ProductChanged(DomainEvent):
    TYPE = "ProductChanged"

    product_id: str
    name: str
    skus: list[str]
    seq: int


class PriceChanged(DomainEvent):
    TYPE = "PriceChanged"

    sku: str
    product_id: str
    channel: str
    currency: str
    amount: int | None  # None: the price was withdrawn
    previous_amount: int | None
    seq: int
