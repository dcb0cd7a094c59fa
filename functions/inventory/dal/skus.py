"""SKUs as inventory knows them: registered from catalog events, with their shard count."""

from __future__ import annotations

from inventory.dal import keys
from kernel import table


def register(sku: str, product_id: str) -> bool:
    """Record a SKU once; False when it was known already (a repeated or older event)."""
    return table.put_now({**keys.sku_config(sku), "type": "sku", "sku": sku, "product_id": product_id, "shards": 1, "seq": 1})


def configs(skus: list[str]) -> dict[str, dict]:
    return {item["sku"]: item for item in table.batch_get([keys.sku_config(sku) for sku in skus])}


def get(sku: str) -> dict | None:
    return table.get(keys.sku_config(sku))


def exists(sku: str) -> dict:
    """A transaction guard: the SKU is registered."""
    return table.check(keys.sku_config(sku))


def set_shards(sku: str, shards: int, expected: int) -> dict:
    return table.update(
        keys.sku_config(sku),
        "SET shards = :shards ADD seq :one",
        "shards = :expected",
        {":shards": shards, ":expected": expected, ":one": 1},
    )
