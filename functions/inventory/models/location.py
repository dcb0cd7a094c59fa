"""Locations (stores, warehouses, dark stores) and the channels they serve."""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field, StrictInt

from kernel.model import Model
from kernel.types import ChannelId, Flag, Identifier, Latitude, Longitude, Name


class LocationKind(StrEnum):
    store = "store"
    warehouse = "warehouse"
    dark_store = "dark_store"


class Capability(StrEnum):
    ship = "ship"
    pickup = "pickup"
    ship_from_store = "ship_from_store"


class Address(Model):
    model_config = ConfigDict(extra="forbid")

    lines: list[Name] = Field(min_length=1, max_length=4)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$", max_length=2, description="ISO 3166-1 alpha-2")


class Coordinates(Model):
    model_config = ConfigDict(extra="forbid")

    lat: Latitude
    lon: Longitude


class LocationIn(Model):
    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: LocationKind
    address: Address
    coordinates: Coordinates | None = None
    capabilities: list[Capability] = Field(default_factory=list, max_length=len(Capability))
    daily_capacity: StrictInt = Field(0, ge=0, le=1_000_000, description="orders it can fulfil per day")
    open: Flag = True


class Location(LocationIn):
    location_id: Identifier
    channels: list[ChannelId] = Field(default_factory=list)
    seq: int = 0
