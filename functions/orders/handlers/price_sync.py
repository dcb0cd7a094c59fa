"""Orders' own copy of the channels' prices, from catalog's PriceChanged: carts and checkout never read
the catalog's table. Order-tolerant and idempotent: the highest seq per (SKU, channel, currency) wins."""

from catalog.models.events import PriceChanged  # the catalog's published contract, not its tables
from kernel.consumer import event_handler
from orders.dal import carts


def _price_changed(event) -> None:
    price = event.unwrap(PriceChanged)
    carts.set_price(price.sku, price.channel, price.currency, price.amount, price.seq)


handler = event_handler({"PriceChanged": _price_changed})
