"""Typed settings, read from the environment once per process (Lambda init)."""

from __future__ import annotations

import json
import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Channel(BaseModel):
    """A sales channel as the API knows it from the caller's credential."""

    id: str
    kind: str  # storefront | store | marketplace


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = ""
    event_bus_name: str = "default"
    stage: str = "dev"
    service: str = Field("omni", alias="powertools_service_name")
    # API key id (as API Gateway reports it in requestContext.identity.apiKeyId) -> channel.
    channels: dict[str, Channel] = Field(default_factory=dict)

    @field_validator("channels", mode="before")
    @classmethod
    def _parse_json(cls, value):
        return json.loads(value) if isinstance(value, str) and value else (value or {})


@cache
def settings() -> Settings:
    return Settings.model_validate({key.lower(): value for key, value in os.environ.items()})
