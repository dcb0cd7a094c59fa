"""SKUs as inventory knows them: registered from catalog events, with their shard count."""

from __future__ import annotations

from inventory.dal import keys


def register(sku: str, product_id: str) -> bool:
    """Record a SKU once; False when it was known already (a repeated or older event)."""
    return keys.TABLE.put_now({**keys.sku_config(sku), "type": "sku", "sku": sku, "product_id": product_id, "shards": 1, "seq": 1})


def configs(skus: list[str]) -> dict[str, dict]:
    return {item["sku"]: item for item in keys.TABLE.batch_get([keys.sku_config(sku) for sku in skus])}


def get(sku: str) -> dict | None:
    return keys.TABLE.get(keys.sku_config(sku))


def exists(sku: str) -> dict:
    """A transaction guard: the SKU is registered."""
    return keys.TABLE.check(keys.sku_config(sku))


def set_shards(sku: str, shards: int, expected: int) -> dict:
    return keys.TABLE.update(
        keys.sku_config(sku),
        "SET shards = :shards ADD seq :one",
        "shards = :expected",
        {":shards": shards, ":expected": expected, ":one": 1},
    )
