"""Typed settings, read from the environment once per process (Lambda init)."""

from __future__ import annotations

import json
import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kernel.errors import NotFound


class Channel(BaseModel):
    """A sales channel as the API knows it from the caller's credential."""

    id: str
    kind: str  # storefront | store | marketplace: what the channel may do (contracts' roles)
    type: str = ""  # web | app | pos | marketplace | social: what the channel is (the registry's label)
    format: str = "omni"  # omni | shopify | marketplace: how its server signs and shapes webhooks


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = ""
    event_bus_name: str = "default"
    stage: str = "dev"
    service: str = Field("omni", alias="powertools_service_name")
    # API key id (as API Gateway reports it in requestContext.identity.apiKeyId) -> channel.
    channels: dict[str, Channel] = Field(default_factory=dict)
    # Channel id -> Secrets Manager id of its webhook secret (functions that receive webhooks only).
    webhook_secrets: dict[str, str] = Field(default_factory=dict)
    # Where stream batches the outboxes gave up on are parked, and table name -> domain of each outbox
    # (the function that redrives them only).
    parked_bucket: str = ""
    outbox_tables: dict[str, str] = Field(default_factory=dict)
    # Work queue name (the consuming function's construct id, e.g. LocationRecompute) -> its URL, for
    # the functions that send to it.
    queue_urls: dict[str, str] = Field(default_factory=dict)
    # Work queue name -> the URL of its dead-letter queue, for the functions that inspect and redrive it.
    dead_letter_urls: dict[str, str] = Field(default_factory=dict)

    @field_validator("channels", "webhook_secrets", "outbox_tables", "queue_urls", "dead_letter_urls", mode="before")
    @classmethod
    def _parse_json(cls, value):
        return json.loads(value) if isinstance(value, str) and value else (value or {})

    @property
    def channel_ids(self) -> frozenset[str]:
        return frozenset(channel.id for channel in self.channels.values())

    def channel(self, channel_id: str) -> Channel | None:
        return next((channel for channel in self.channels.values() if channel.id == channel_id), None)


def require_known_channel(channel_id: str, known: frozenset[str] | set[str], field: str, where: str = "path") -> None:
    """Refuse a channel the deployment does not define, naming the field that carried it."""
    if channel_id not in known:
        raise NotFound(f"unknown channel {channel_id}", field=field, errors=[{"in": where, "field": field, "type": "unknown_channel"}])


@cache
def settings() -> Settings:
    return Settings.model_validate({key.lower(): value for key, value in os.environ.items()})
