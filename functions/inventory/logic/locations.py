"""Locations and the channels they serve."""

from __future__ import annotations

from inventory.dal import locations as location_table
from inventory.models.location import Location, LocationIn
from kernel.errors import NotFound
from kernel.settings import require_known_channel


def save(location_id: str, body: LocationIn) -> Location:
    return location_table.save(location_id, body)


def all_locations() -> list[Location]:
    return location_table.all_locations()


def get(location_id: str) -> Location:
    location = location_table.get(location_id)
    if location is None:
        raise NotFound(f"unknown location {location_id}", field="location_id")
    return location


def serve(location_id: str, channel: str, serves: bool, known_channels: frozenset[str]) -> Location:
    require_known_channel(channel, known_channels, "channel_id")
    return location_table.set_channel(location_id, channel, serves)
