"""The catalog table. Items:
  PRODUCT#<product_id> / PRODUCT   the product and its SKU codes
  SKU#<sku>            / SKU       the SKU with its prices, keyed "<channel>:<currency>"
"""

from __future__ import annotations

from catalog.models.product import Price, Product, Sku
from kernel import table
from kernel.context import correlation_id
from kernel.errors import Conflict, NotFound
from kernel.table import Table

TABLE = Table("catalog")


def _product_key(product_id: str) -> dict:
    return {"pk": f"PRODUCT#{product_id}", "sk": "PRODUCT"}


def _sku_key(sku: str) -> dict:
    return {"pk": f"SKU#{sku}", "sk": "SKU"}


def price_key(channel: str, currency: str) -> str:
    return f"{channel}:{currency}"


def _sku_item(sku: Sku) -> dict:
    return {
        **_sku_key(sku.sku),
        "type": "sku",
        "sku": sku.sku,
        "product_id": sku.product_id,
        "name": sku.name,
        "attributes": sku.attributes,
        "prices": {price_key(p.channel, p.currency): p.amount for p in sku.prices},
        "seq": 1,
        "correlation_id": correlation_id(),
    }


def _sku_from(item: dict) -> Sku:
    prices = []
    for key, amount in sorted(item.get("prices", {}).items()):
        channel, currency = key.split(":")
        prices.append(Price(channel=channel, currency=currency, amount=int(amount)))
    return Sku(sku=item["sku"], product_id=item["product_id"], name=item.get("name", ""), attributes=item.get("attributes", {}), prices=prices)


def create_product(product: Product) -> None:
    """Write the product and all its SKUs at once, or nothing when any of them exists already."""
    product_item = {
        **_product_key(product.product_id),
        "type": "product",
        "product_id": product.product_id,
        "name": product.name,
        "description": product.description,
        "skus": [sku.sku for sku in product.skus],
        "seq": 1,
        "correlation_id": correlation_id(),
    }
    items = [product_item] + [_sku_item(sku) for sku in product.skus]
    try:
        table.transact([TABLE.put(item, "attribute_not_exists(pk)") for item in items])
    except table.Rejected as rejected:
        taken = [items[index]["pk"] for index in rejected.failed()]
        raise Conflict("already exists: " + ", ".join(taken), existing=taken) from rejected


def get_product(product_id: str) -> Product | None:
    item = TABLE.get(_product_key(product_id))
    if item is None:
        return None
    skus = get_skus(item["skus"])
    return Product(
        product_id=item["product_id"],
        name=item["name"],
        description=item.get("description", ""),
        skus=[skus[code] for code in item["skus"] if code in skus],
    )


def get_skus(codes: list[str]) -> dict[str, Sku]:
    return {item["sku"]: _sku_from(item) for item in TABLE.batch_get([_sku_key(code) for code in codes])}


def set_price(sku: str, channel: str, currency: str, amount: int) -> Sku:
    item = TABLE.update_now(
        _sku_key(sku),
        "SET prices.#key = :amount, correlation_id = :cid ADD seq :one",
        "attribute_exists(pk)",
        {":amount": amount, ":one": 1, ":cid": correlation_id()},
        {"#key": price_key(channel, currency)},
    )
    if item is None:
        raise NotFound(f"unknown sku {sku}", field="sku")
    return _sku_from(item)
