"""Locations and the channels they serve."""

from __future__ import annotations

from inventory.dal import locations as location_table
from inventory.models.location import Location, LocationIn
from kernel.errors import NotFound, Unprocessable


def check_channel(channel: str, known_channels: set[str], field: str = "channel_id") -> None:
    if channel not in known_channels:
        raise Unprocessable(f"unknown channel {channel}", errors=[{"in": "path", "field": field, "type": "unknown_channel"}])


def save(location_id: str, body: LocationIn) -> Location:
    return location_table.save(location_id, body)


def all_locations() -> list[Location]:
    return location_table.all_locations()


def get(location_id: str) -> Location:
    location = location_table.get(location_id)
    if location is None:
        raise NotFound(f"unknown location {location_id}", field="location_id")
    return location


def serve(location_id: str, channel: str, serves: bool, known_channels: set[str]) -> Location:
    check_channel(channel, known_channels)
    return location_table.set_channel(location_id, channel, serves)
