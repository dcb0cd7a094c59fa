"""Keeps the availability projection current as stock, buffers, SKUs and locations change."""

from inventory.logic import projection
from kernel.consumer import event_handler

handler = event_handler(
    {
        "StockChanged": lambda event: projection.recompute(event.data["sku"]),
        "BufferChanged": lambda event: projection.recompute(event.data["sku"]),
        "SkuRegistered": lambda event: projection.recompute(event.data["sku"]),
        "LocationChanged": lambda event: projection.recompute_location(event.data["location_id"]),
    }
)
