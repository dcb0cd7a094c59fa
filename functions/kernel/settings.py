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
    locations: tuple[str, ...] = ()  # a store channel's (POS) stores, from cdk.json: its staff act for these only


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    table_name: str = ""
    # Domain -> table name, for a function that writes to another domain's table too (its own included):
    # every table it names is looked up here, so one it was not granted fails before any call.
    tables: dict[str, str] = Field(default_factory=dict)
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
    # Orders: the PaymentFailed reasons that cancel an awaiting order ("expired" always does), comma-separated.
    payment_failures_cancelling: frozenset[str] = frozenset({"cancelled", "expired"})
    # Work queue name (the consuming function's construct id, e.g. LocationRecompute) -> its URL, for
    # the functions that send to it.
    queue_urls: dict[str, str] = Field(default_factory=dict)
    # Secret name (e.g. stripe-api-key) -> Secrets Manager id of the domain's own secrets, for the
    # functions that declare they read them (DomainSpec.secrets).
    secrets: dict[str, str] = Field(default_factory=dict)


    # Work queue name -> the URL of its dead-letter queue, for the functions that inspect and redrive it.
    dead_letter_urls: dict[str, str] = Field(default_factory=dict)

    @field_validator("channels", "webhook_secrets", "outbox_tables", "queue_urls", "secrets", "dead_letter_urls", "tables", mode="before")
    @classmethod
    def _parse_json(cls, value):
        return json.loads(value) if isinstance(value, str) and value else (value or {})

    def table_of(self, domain: str | None) -> str:
        """The table of `domain` (None: the function's own). A function given no TABLES has one table."""
        if domain is None or not self.tables:
            return self.table_name
        if domain not in self.tables:
            raise LookupError(f"this function may not use the {domain} table (TABLES names {sorted(self.tables)})")
        return self.tables[domain]

    @field_validator("payment_failures_cancelling", mode="before")
    @classmethod
    def _parse_list(cls, value):
        return frozenset(part.strip() for part in value.split(",") if part.strip()) if isinstance(value, str) else value

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
