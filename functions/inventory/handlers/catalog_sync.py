"""Learns the catalog's SKUs, so inventory can refuse stock for SKUs that do not exist."""

from catalog.models.events import ProductChanged  # the catalog's published contract, not its tables
from inventory.dal import skus
from kernel.consumer import event_handler


def _register(event) -> None:
    product = event.unwrap(ProductChanged)
    for sku in product.skus:
        skus.register(sku, product.product_id)


handler = event_handler({"ProductChanged": _register})
