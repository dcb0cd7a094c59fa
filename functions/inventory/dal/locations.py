"""Locations and which channels they serve."""

from __future__ import annotations

from inventory.dal import keys
from inventory.models.location import Location, LocationIn
from kernel import table
from kernel.context import correlation_id
from kernel.errors import NotFound


def location_from(item: dict) -> Location:
    return table.as_model(Location, item)


def save(location_id: str, body: LocationIn) -> Location:
    fields = table.stored(body.model_dump(mode="json"))
    names = {f"#{name}": name for name in fields}
    values = {f":{name}": value for name, value in fields.items()} | {":one": 1, ":id": location_id, ":type": "location", ":cid": correlation_id()}
    assignments = ", ".join(f"#{name} = :{name}" for name in fields)
    item = keys.TABLE.update_now(keys.location(location_id), f"SET {assignments}, location_id = :id, #t = :type, correlation_id = :cid ADD seq :one", None, values, names | {"#t": "type"})
    return location_from(item)


def get(location_id: str) -> Location | None:
    item = keys.TABLE.get(keys.location(location_id))
    return location_from(item) if item else None


def all_locations() -> list[Location]:
    return [location_from(item) for item in keys.TABLE.query("LOCATION")]


def exists(location_id: str) -> dict:
    """A transaction guard: the location is known."""
    return keys.TABLE.check(keys.location(location_id))


def set_channel(location_id: str, channel: str, serves: bool) -> Location:
    membership = "ADD channels :channel, seq :one" if serves else "DELETE channels :channel ADD seq :one"
    item = keys.TABLE.update_now(
        keys.location(location_id),
        f"SET correlation_id = :cid {membership}",
        "attribute_exists(pk)",
        {":channel": {channel}, ":one": 1, ":cid": correlation_id()},
    )
    if item is None:
        raise NotFound(f"unknown location {location_id}", field="location_id")
    return location_from(item)


def serves(location_id: str, channel: str, *, require_open: bool = True) -> dict:
    """A transaction guard: the location serves the channel (and is open: a sale that already
    happened is recorded at a closed store, a reservation is not taken there)."""
    if not require_open:
        return keys.TABLE.check(keys.location(location_id), "contains(channels, :channel)", {":channel": channel})
    return keys.TABLE.check(keys.location(location_id), "contains(channels, :channel) AND #open = :open", {":channel": channel, ":open": True}, {"#open": "open"})
