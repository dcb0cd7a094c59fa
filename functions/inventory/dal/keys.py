"""Every key of the inventory table, in one place.

  SKU#<sku>        / CONFIG                     the SKU as inventory knows it (registered from the catalog; shards)
  SKU#<sku>        / STOCK#<location>#<shard>   a stock row (gsi2: by location)
  SKU#<sku>        / BUFFER#<channel>           the channel buffer of a SKU
  SKU#<sku>        / AVAILABILITY               the projection: ATP per channel and per location
  LOCATION         / <location>                 a location and the channels it serves
  HOLD#<channel>#<reference> / <line>#<location>  one hold of the ledger, in its channel's scope (gsi1 while soft:
                                                expiry index)
  ADJ#<scope>#<id> / ADJ                        an applied adjustment, transfer or sale (its idempotency record);
                                                the scope is the caller's: channel:<id>, or operators
"""

from __future__ import annotations

from kernel.table import Table

TABLE = Table("inventory")
HOLD_EXPIRY_BUCKETS = 4  # soft holds spread over this many gsi1 partitions


def sku_config(sku: str) -> dict:
    return {"pk": f"SKU#{sku}", "sk": "CONFIG"}


def stock(sku: str, location_id: str, shard: int = 0) -> dict:
    return {"pk": f"SKU#{sku}", "sk": f"STOCK#{location_id}#{shard:03d}"}


def stock_prefix(location_id: str | None = None) -> str:
    return f"STOCK#{location_id}#" if location_id else "STOCK#"


def by_location(location_id: str, sku: str, shard: int) -> dict:
    return {"gsi2pk": f"LOC#{location_id}", "gsi2sk": f"{sku}#{shard:03d}"}


def buffer(sku: str, channel: str) -> dict:
    return {"pk": f"SKU#{sku}", "sk": f"BUFFER#{channel}"}


def availability(sku: str) -> dict:
    return {"pk": f"SKU#{sku}", "sk": "AVAILABILITY"}


def location(location_id: str) -> dict:
    return {"pk": "LOCATION", "sk": location_id}


def holds_of(channel: str, reference: str) -> str:
    """A reference (cart or order id) is the channel's own: two channels' cart-7 are two partitions."""
    return f"HOLD#{channel}#{reference}"


def hold(channel: str, reference: str, line: str, location_id: str) -> dict:
    return {"pk": holds_of(channel, reference), "sk": f"{line}#{location_id}"}


def hold_expiry(channel: str, reference: str, expires_at: str) -> dict:
    bucket = sum(reference.encode()) % HOLD_EXPIRY_BUCKETS
    return {"gsi1pk": f"SOFT#{bucket}", "gsi1sk": f"{expires_at}#{channel}#{reference}"}


def expiry_bucket(bucket: int) -> str:
    return f"SOFT#{bucket}"


def adjustment(scope: str, source_event_id: str) -> dict:
    return {"pk": f"ADJ#{scope}#{source_event_id}", "sk": "ADJ"}
