"""Stage settings, read once from CDK context (cdk.json, overridable with `-c key=value`).

Everything that differs between dev and prod lives in the context key `stages`; the code never
branches on the stage name itself, only on these settings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Construct

REPO_ROOT = Path(__file__).resolve().parents[2]
CDK_JSON = REPO_ROOT / "cdk.json"

CHANNEL_KINDS = ("storefront", "store", "marketplace")
CHANNEL_TYPES = ("web", "app", "pos", "marketplace", "social")
CHANNEL_FORMATS = ("omni", "shopify", "marketplace")  # how the channel's server signs and shapes its webhooks
_DEFAULT_TYPE = {"storefront": "web", "store": "pos", "marketplace": "marketplace"}

# CloudWatch Logs accepts only these retention periods.
_RETENTION = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}


class ConfigError(ValueError):
    """The CDK context is not a valid Omni configuration."""


@dataclass(frozen=True)
class Channel:
    id: str
    kind: str  # storefront | store | marketplace
    locations: tuple[str, ...] = ()  # a store channel's (POS) stores: its staff act for these only
    type: str = ""  # web | app | pos | marketplace | social (default from the kind)
    format: str = "omni"  # omni | shopify | marketplace

    def as_settings(self) -> dict:
        """The channel as kernel.settings reads it from CHANNELS."""
        return {"id": self.id, "kind": self.kind, "type": self.type, "format": self.format} | ({"locations": list(self.locations)} if self.locations else {})


@dataclass(frozen=True)
class ChannelLimits:
    """Usage-plan limits for a channel kind: steady rate, burst, and requests per day."""

    rate: int
    burst: int
    daily_quota: int


# A store (POS) or marketplace calls far less than a storefront that serves shoppers directly.
CHANNEL_LIMITS = {
    "storefront": ChannelLimits(rate=200, burst=400, daily_quota=5_000_000),
    "store": ChannelLimits(rate=50, burst=100, daily_quota=1_000_000),
    "marketplace": ChannelLimits(rate=50, burst=100, daily_quota=1_000_000),
}


@dataclass(frozen=True)
class Config:
    stage: str
    retain: bool
    deletion_protection: bool
    log_retention_days: int
    archive_retention_days: int
    alarms: bool
    log_level: str
    threat_protection: str  # AUDIT_ONLY | FULL_FUNCTION
    channels: tuple[Channel, ...]
    openapi: Path
    # Cold start (decision 18): SnapStart for the API functions; X-Ray SDK subsegments (off: ~150 ms per cold start).
    snap_start: bool = False
    xray_sdk: bool = False

    # API stage defaults (per-channel limits are in CHANNEL_LIMITS)
    api_rate_limit: int = 500
    api_burst_limit: int = 1000

    @property
    def prefix(self) -> str:
        """`omni-<stage>`: the name of the bus and the API, and the prefix of stack names."""
        return f"omni-{self.stage}"

    @property
    def removal_policy(self) -> RemovalPolicy:
        return RemovalPolicy.RETAIN if self.retain else RemovalPolicy.DESTROY

    @property
    def log_retention(self) -> logs.RetentionDays:
        return _RETENTION[self.log_retention_days]

    @property
    def archive_retention(self) -> Duration:
        return Duration.days(self.archive_retention_days)

    @classmethod
    def of(cls, scope: Construct) -> Config:
        node = scope.node
        stage = node.try_get_context("stage") or "dev"
        stages = node.try_get_context("stages") or {}
        if stage not in stages:
            raise ConfigError(f"unknown stage {stage!r}: cdk.json context `stages` defines {sorted(stages)}")
        settings = stages[stage]
        channels = _channels(_maybe_json(node.try_get_context("channels") or []))
        openapi = Path(node.try_get_context("openapi") or "docs/openapi.json")
        try:
            config = cls(
                stage=stage,
                retain=_choice(settings, "removalPolicy", ("retain", "destroy")) == "retain",
                deletion_protection=bool(settings["deletionProtection"]),
                log_retention_days=int(settings["logRetentionDays"]),
                archive_retention_days=int(settings["archiveRetentionDays"]),
                alarms=bool(settings["alarms"]),
                log_level=_choice(settings, "logLevel", ("DEBUG", "INFO", "WARNING", "ERROR")),
                threat_protection=_choice(settings, "threatProtection", ("AUDIT_ONLY", "FULL_FUNCTION")),
                channels=channels,
                openapi=openapi if openapi.is_absolute() else REPO_ROOT / openapi,
                snap_start=bool(settings.get("snapStart", False)),
                xray_sdk=bool(settings.get("xraySdk", False)),
            )
        except KeyError as missing:
            raise ConfigError(f"stage {stage!r} lacks the setting {missing}") from None
        if config.log_retention_days not in _RETENTION:
            raise ConfigError(f"logRetentionDays must be one of {sorted(_RETENTION)}")
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,15}", stage):
            raise ConfigError(f"stage {stage!r} must be lower-case letters, digits and dashes")
        return config


def load_cdk_json_context() -> dict[str, Any]:
    """The `context` of cdk.json: the defaults when the app runs without the CDK CLI."""
    return json.loads(CDK_JSON.read_text())["context"]


def _maybe_json(value: Any) -> Any:
    # `-c channels='[...]'` on the command line arrives as a string.
    return json.loads(value) if isinstance(value, str) else value


def _choice(settings: dict, key: str, allowed: tuple[str, ...]) -> str:
    value = settings[key]
    if value not in allowed:
        raise ConfigError(f"{key} must be one of {allowed}, not {value!r}")
    return value


def _channels(raw: list[dict]) -> tuple[Channel, ...]:
    channels = tuple(
        Channel(id=item["id"], kind=item["kind"], type=item.get("type") or _DEFAULT_TYPE.get(item["kind"], ""), format=item.get("format", "omni"), locations=tuple(item.get("locations", ())))
        for item in raw
    )
    ids = [channel.id for channel in channels]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"channel ids must be unique: {ids}")
    for channel in channels:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", channel.id):
            raise ConfigError(f"channel id {channel.id!r} must be lower-case letters, digits and dashes")
        if channel.kind not in CHANNEL_KINDS:
            raise ConfigError(f"channel {channel.id!r}: kind must be one of {CHANNEL_KINDS}")
        if channel.type not in CHANNEL_TYPES:
            raise ConfigError(f"channel {channel.id!r}: type must be one of {CHANNEL_TYPES}")
        if channel.format not in CHANNEL_FORMATS:
            raise ConfigError(f"channel {channel.id!r}: format must be one of {CHANNEL_FORMATS}")
        if channel.format != "omni" and channel.kind == "storefront":
            raise ConfigError(f"channel {channel.id!r}: a storefront reserves through the API; only stores and marketplaces send {channel.format} webhooks")
    return channels
