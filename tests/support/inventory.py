"""Setting up stock and checking the ledger against the counters, straight from the table."""

from __future__ import annotations

from collections import defaultdict

from inventory.dal import skus
from inventory.logic import adjustments, locations
from inventory.models.location import LocationIn
from inventory.models.stock import AdjustmentIn
from kernel import table
from kernel.settings import Channel

WEB = Channel(id="web", kind="storefront")
POS = Channel(id="pos", kind="store")
_receipts = iter(range(10**9))


def location(location_id: str, channels=("web",)) -> None:
    locations.save(location_id, LocationIn(name=location_id, kind="store", address={"lines": ["1 Street"], "city": "Paris", "country": "FR"}))
    for channel in channels:
        locations.serve(location_id, channel, True, {"web", "app", "pos", "marketplace"})


def stock(sku: str, location_id: str, quantity: int) -> None:
    skus.register(sku, "product")
    if quantity:
        adjustments.adjust(AdjustmentIn(source_event_id=f"seed-{next(_receipts)}", sku=sku, location_id=location_id, kind="receipt", quantity=quantity))


def everything() -> list[dict]:
    from inventory.dal.keys import TABLE
    from kernel.aws import dynamodb

    items, arguments = [], {"TableName": TABLE.name, "ConsistentRead": True}
    while True:
        page = dynamodb().scan(**arguments)
        items += [table.plain(item) for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return items
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def assert_ledger_matches_counters(sku: str | None = None) -> dict:
    """held on every stock row = the units of active holds on it; available = its formula."""
    items = [item for item in everything() if sku in (None, item.get("sku"))]
    held_by_row: dict[tuple, int] = defaultdict(int)
    for hold in (item for item in items if item.get("type") == "hold" and item["state"] in ("soft", "hard")):
        for shard, units in hold["shards"].items():
            held_by_row[(hold["sku"], hold["location_id"], int(shard))] += units
    rows = [item for item in items if item.get("type") == "stock"]
    for row in rows:
        key = (row["sku"], row["location_id"], row["shard"])
        assert row["held"] == held_by_row.pop(key, 0), f"held drifted from the ledger on {key}"
        assert row["available"] == row["on_hand"] - row["held"] - row["unavailable"] - row.get("safety", 0), key
        assert row["held"] >= 0 and row["unavailable"] >= 0
    assert not held_by_row, f"holds on rows that do not exist: {held_by_row}"
    return {(row["sku"], row["location_id"], row["shard"]): row for row in rows}


def shard_snapshot(client, table_name: str, sku: str, location_id: str, shards: int) -> list[dict]:
    """The shard rows of one location read atomically (one TransactGetItems), as a shopper would meet them."""
    from inventory.dal import keys

    items = [{"Get": {"TableName": table_name, "Key": {name: {"S": value} for name, value in keys.stock(sku, location_id, shard).items()}}} for shard in range(shards)]
    responses = client.transact_get_items(TransactItems=items)["Responses"]
    return [{name: table.plain(table._deserialize(value)) for name, value in response["Item"].items()} for response in responses if "Item" in response]
