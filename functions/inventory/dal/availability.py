"""The availability projection rows (one per SKU) and channel buffers."""

from __future__ import annotations

from inventory.dal import keys
from kernel.context import correlation_id


def rows(skus: list[str]) -> dict[str, dict]:
    """The projection rows of many SKUs in one batched read."""
    return {item["sku"]: item for item in keys.TABLE.batch_get([keys.availability(sku) for sku in skus])}


def save(sku: str, channels: dict[str, int], locations: dict[str, int], serving: dict[str, list[str]], basis: int) -> bool:
    """Write a recomputed row unless a row computed from newer (or the same) state is there already."""
    item = {
        **keys.availability(sku),
        "type": "availability",
        "sku": sku,
        "channels": channels,
        "locations": locations,
        "serving": serving,
        "basis": basis,
        "correlation_id": correlation_id(),
    }
    return keys.TABLE.put_now(item, "attribute_not_exists(basis) OR basis < :basis", {":basis": basis})


def set_buffer(sku: str, channel: str, quantity: int) -> dict:
    return keys.TABLE.update(
        keys.buffer(sku, channel),
        "SET sku = :sku, channel = :channel, quantity = :quantity, #type = :type, correlation_id = :cid ADD seq :one",
        values={":sku": sku, ":channel": channel, ":quantity": quantity, ":type": "buffer", ":one": 1, ":cid": correlation_id()},
        names={"#type": "type"},
    )


def partition(sku: str) -> list[dict]:
    """Everything inventory holds about one SKU (config, stock rows, buffers, projection): one query."""
    return keys.TABLE.query(f"SKU#{sku}")
