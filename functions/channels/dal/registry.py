"""The channel registry's part that changes without a deploy: each channel's mappings and its outbound
subscription (the channels themselves, their kinds and formats are the deployment's: cdk.json). Items:
  CHANNEL#<channel> / SKU#<channel sku>        its Omni SKU, and whether Omni names it so in outbound updates
  CHANNEL#<channel> / OMNI-SKU#<sku>           the channel SKU outbound updates of that Omni SKU carry
  CHANNEL#<channel> / LOCATION#<channel loc>   its Omni location (`default`: for deliveries that name none)
  CHANNEL#<channel> / SUBSCRIPTION             the events it gets, where, and how fast
"""

from __future__ import annotations

from kernel import table

_SKU, _OMNI_SKU, _LOCATION, _SUBSCRIPTION = "SKU#", "OMNI-SKU#", "LOCATION#", "SUBSCRIPTION"


def _pk(channel_id: str) -> str:
    return f"CHANNEL#{channel_id}"


def mapping_rows(channel_id: str) -> tuple[list[dict], list[dict]]:
    """(SKU mapping rows, location mapping rows): one query of the channel's partition."""
    items = table.query(_pk(channel_id))
    return [item for item in items if item["sk"].startswith(_SKU)], [item for item in items if item["sk"].startswith(_LOCATION)]


def mappings(channel_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """(channel SKU → Omni SKU, channel location → Omni location)."""
    skus, locations = mapping_rows(channel_id)
    return {row["channel_sku"]: row["sku"] for row in skus}, {row["channel_location"]: row["location_id"] for row in locations}


def sku_mapping(channel_id: str, channel_sku: str) -> dict | None:
    return table.get({"pk": _pk(channel_id), "sk": _SKU + channel_sku})


def channel_sku_of(channel_id: str, sku: str) -> str | None:
    item = table.get({"pk": _pk(channel_id), "sk": _OMNI_SKU + sku})
    return item["channel_sku"] if item else None


def put_sku(channel_id: str, channel_sku: str, sku: str, outbound: bool, previous: dict | None) -> None:
    """Map a channel SKU, guarded by the mapping it replaces (a concurrent change makes this Rejected)."""
    pk = _pk(channel_id)
    row = {"pk": pk, "sk": _SKU + channel_sku, "channel_sku": channel_sku, "sku": sku, "outbound": outbound}
    operations = [table.put(row, "attribute_not_exists(pk)") if previous is None else table.put(row, "sku = :sku", {":sku": previous["sku"]})]
    if previous is not None and previous["sku"] != sku:  # the old Omni SKU no longer goes out under this name
        operations += _unname(pk, previous["sku"], channel_sku)
    if outbound:
        operations.append(table.put({"pk": pk, "sk": _OMNI_SKU + sku, "channel_sku": channel_sku}))
    elif previous is not None and previous["sku"] == sku:
        operations += _unname(pk, sku, channel_sku)
    table.transact(operations)


def delete_sku(channel_id: str, previous: dict) -> None:
    pk = _pk(channel_id)
    delete = table.check({"pk": pk, "sk": _SKU + previous["channel_sku"]}, "sku = :sku", {":sku": previous["sku"]})["ConditionCheck"]
    table.transact([{"Delete": delete}, *_unname(pk, previous["sku"], previous["channel_sku"])])


def _unname(pk: str, sku: str, channel_sku: str) -> list[dict]:
    """Remove the outbound name of `sku` if it is this channel SKU (another mapping may have taken it since),
    guarded by what was read."""
    reverse = table.get({"pk": pk, "sk": _OMNI_SKU + sku})
    if reverse is None or reverse["channel_sku"] != channel_sku:
        return []
    return [{"Delete": table.check({"pk": pk, "sk": _OMNI_SKU + sku}, "channel_sku = :cs", {":cs": channel_sku})["ConditionCheck"]}]


def location_mapping(channel_id: str, channel_location: str) -> dict | None:
    return table.get({"pk": _pk(channel_id), "sk": _LOCATION + channel_location})


def put_location(channel_id: str, channel_location: str, location_id: str) -> None:
    table.put_now({"pk": _pk(channel_id), "sk": _LOCATION + channel_location, "channel_location": channel_location, "location_id": location_id}, condition=None)


def delete_location(channel_id: str, channel_location: str) -> bool:
    return table.delete_now({"pk": _pk(channel_id), "sk": _LOCATION + channel_location})


def subscription(channel_id: str) -> dict | None:
    return table.get({"pk": _pk(channel_id), "sk": _SUBSCRIPTION})


def put_subscription(channel_id: str, fields: dict) -> None:
    table.put_now({"pk": _pk(channel_id), "sk": _SUBSCRIPTION, "channel": channel_id, **fields}, condition=None)


def delete_subscription(channel_id: str) -> bool:
    return table.delete_now({"pk": _pk(channel_id), "sk": _SUBSCRIPTION})
