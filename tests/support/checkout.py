"""A shop for checkout tests: orders and inventory tables side by side, locations, stock and prices."""

from __future__ import annotations

import contextlib
import json

from inventory.logic import locations
from inventory.models.location import LocationIn
from orders.dal import carts
from support.env import domain_environment
from support.inventory import stock

CHECKOUT = {"currencies": {"web": "EUR", "app": "EUR", "pos": "EUR"}, "taxRates": {"FR": 2000}, "maxShipments": 2}
# Paris: a pickup store near the Louvre; a warehouse in Lyon (about 390 km); a store in Marseille.
SITES = {
    "paris-rivoli": ("store", (48.860, 2.350), ["pickup", "ship_from_store"]),
    "wh-lyon": ("warehouse", (45.760, 4.840), ["ship"]),
    "marseille": ("store", (43.300, 5.370), ["pickup", "ship_from_store"]),
}
NEAR_PARIS = {"name": "Alice", "line1": "2 rue de Rivoli", "city": "Paris", "postcode": "75004", "country": "FR", "latitude": 48.857, "longitude": 2.355}


@contextlib.contextmanager
def shop_environment(orders_table: str, inventory_table: str, endpoint: str | None = None):
    tables = json.dumps({"orders": orders_table, "inventory": inventory_table})
    with domain_environment(orders_table, endpoint, TABLES=tables, CHECKOUT=json.dumps(CHECKOUT)):
        from orders.logic.config import checkout_config

        checkout_config.cache_clear()
        yield
        checkout_config.cache_clear()


def site(location_id: str, channels=("web", "app"), *, capacity: int = 0, open_: bool = True) -> None:
    kind, (lat, lon), capabilities = SITES[location_id]
    address = {"lines": ["1 rue"], "city": location_id, "country": "FR"}
    locations.save(location_id, LocationIn(name=location_id, kind=kind, address=address, coordinates={"lat": lat, "lon": lon}, capabilities=capabilities, daily_capacity=capacity, open=open_))
    for channel in channels:
        locations.serve(location_id, channel, True, {"web", "app", "pos", "marketplace"})


def product(sku: str, price: int, stocked: dict[str, int], channels=("web", "app")) -> None:
    for channel in channels:
        carts.set_price(sku, channel, "EUR", price, 1)
    for location_id, quantity in stocked.items():
        stock(sku, location_id, quantity)
