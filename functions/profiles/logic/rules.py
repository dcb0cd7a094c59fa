"""The configuration of identity resolution and loyalty: which identifiers merge profiles, how many of a
kind one person may have, which values are junk, how fields survive a merge, how points are earned.

Defaults live here; a deployment overrides any part with the JSON of the PROFILES_RULES variable of the
profiles functions. Nothing here does I/O.
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Kind(StrEnum):
    """Identifier types. `order` and `channel_order` are Omni's own links (not personal data): an order's
    id, and a channel's order id that ties a ChannelOrderReceived to the OrderPlaced it became."""

    account = "account"
    device = "device"
    email = "email"
    phone = "phone"
    loyalty_card = "loyalty_card"
    channel_customer = "channel_customer"
    order = "order"
    channel_order = "channel_order"


PERSONAL = frozenset({Kind.account, Kind.device, Kind.email, Kind.phone, Kind.loyalty_card, Kind.channel_customer})


class FieldRule(BaseModel):
    """How a profile field survives a merge: the most recent value, or the value from the first channel
    kind in `priority` that gave one (then the most recent among those)."""

    rule: Literal["most_recent", "source_priority"] = "most_recent"
    priority: list[str] = Field(default_factory=list)


class MatchRules(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Identifier types whose shared value merges two profiles; the others are kept and looked up only.
    merge_on: frozenset[Kind] = frozenset({Kind.account, Kind.email, Kind.phone, Kind.loyalty_card, Kind.channel_customer, Kind.order, Kind.channel_order})
    # At most this many distinct values of a type in one profile: a merge that would pass it is refused.
    limits: dict[Kind, int] = Field(default_factory=lambda: {Kind.account: 1, Kind.email: 3, Kind.phone: 3, Kind.loyalty_card: 2, Kind.channel_customer: 4, Kind.device: 20})
    # A link through a weak type (a family's shared phone) is refused when both sides carry values of these
    # types and share none of them: two different emails behind one phone are two people.
    vetoed_by: dict[Kind, frozenset[Kind]] = Field(default_factory=lambda: {Kind.phone: frozenset({Kind.email, Kind.account, Kind.loyalty_card})})
    # Normalized values that never identify anyone (type:value), on top of the generic junk of normalize.py.
    blocked: frozenset[str] = frozenset({"email:test@test.com", "email:noreply@example.com", "email:none@none.com", "phone:+33144556677"})
    fold_plus_addressing: bool = True
    fold_gmail_dots: bool = True
    # Where a phone written without its country code is read: per channel, per location, else the default.
    default_region: str = "US"
    channel_regions: dict[str, str] = Field(default_factory=dict)
    location_regions: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, FieldRule] = Field(
        default_factory=lambda: {
            "name": FieldRule(),
            "language": FieldRule(),
            "preferred_location_id": FieldRule(rule="source_priority", priority=["store", "storefront", "marketplace"]),
        }
    )

    def region_for(self, channel: str | None, location_id: str | None) -> str:
        return self.location_regions.get(location_id or "") or self.channel_regions.get(channel or "") or self.default_region


class Tier(BaseModel):
    name: str
    spend: int  # rolling spend, in points' worth (minor units / minor_per_point), from which the tier applies


class LoyaltyRules(BaseModel):
    model_config = ConfigDict(frozen=True)

    points_per_unit: int = 1  # points per `minor_per_point` minor units paid
    minor_per_point: dict[str, int] = Field(default_factory=lambda: {"JPY": 1, "KRW": 1})
    default_minor_per_point: int = 100
    tiers: list[Tier] = Field(default_factory=lambda: [Tier(name="member", spend=0), Tier(name="silver", spend=500), Tier(name="gold", spend=2000)])
    rolling_days: int = 365

    def points_for(self, amount: int, currency: str) -> int:
        """Points for an amount in minor units: whole points only, rounded down."""
        return max(0, amount) // self.minor_per_point.get(currency, self.default_minor_per_point) * self.points_per_unit

    def tier_for(self, spend: int) -> str:
        reached = [tier for tier in self.tiers if spend >= tier.spend]
        return max(reached, key=lambda tier: tier.spend).name if reached else self.tiers[0].name


class Rules(BaseModel):
    model_config = ConfigDict(frozen=True)

    match: MatchRules = Field(default_factory=MatchRules)
    loyalty: LoyaltyRules = Field(default_factory=LoyaltyRules)


@cache
def rules() -> Rules:
    return Rules.model_validate(json.loads(os.environ.get("PROFILES_RULES") or "{}"))
