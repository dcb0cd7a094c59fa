"""Requests and answers of the profiles API. Identifier values are bounded text; their normalization
(and the 422 naming a malformed one) is in logic.normalize."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from kernel.model import Model
from kernel.types import ChannelId, Flag, Identifier, Name, Quantity

Email = Annotated[str, Field(min_length=1, max_length=254, description="an email address")]
Phone = Annotated[str, Field(min_length=1, max_length=32, description="a phone number; without a country code it is read in the channel's or location's region")]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$", max_length=5, description="BCP 47, e.g. fr or fr-FR")]
Purpose = Literal["marketing_email", "marketing_sms", "personalization"]


class Strict(Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class IdentifiersIn(Strict):
    email: Email | None = None
    phone: Phone | None = None
    loyalty_card: Text | None = None
    device_id: Text | None = None
    channel_customer_id: Text | None = Field(None, description="the channel's own id of this customer")


class IdentifyIn(Strict):
    """A channel saw a customer (a POS phone number or loyalty card, an app's device, a marketplace buyer)."""

    identifiers: IdentifiersIn
    location_id: Identifier | None = Field(None, description="where (reads a phone in that location's region)")
    name: Name | None = None


class SignInIn(Strict):
    """A shopper signed in (the account comes from the token): what else the channel knows about them."""

    email: Email | None = None
    phone: Phone | None = None
    device_id: Text | None = None
    loyalty_card: Text | None = None
    name: Name | None = None


class ConsentIn(Strict):
    channel: ChannelId
    purpose: Purpose
    granted: Flag


class PreferencesIn(Strict):
    language: Language | None = None
    preferred_location_id: Identifier | None = None
    consent: list[ConsentIn] = Field(default_factory=list, max_length=30)


class UnmergeIn(Strict):
    merge_id: Identifier


class RedemptionIn(Strict):
    """Spend points on one of the shopper's orders, as a tender or a discount. `redemption_id` is the
    caller's idempotency key: the same id again answers the first redemption."""

    redemption_id: Identifier
    order_id: Identifier
    points: Quantity


class Identified(Model):
    profile_id: str | None = Field(description="None when nothing usable was given (only junk values)")
    changed: bool


class IdentifierOut(Model):
    type: str
    value: str


class ConsentOut(Model):
    channel: str
    purpose: str
    granted: bool
    at: str
    source: str | None = Field(description="the channel that recorded it")


class OrderOut(Model):
    order_id: str
    number: str | None = None
    channel: str | None = None
    status: str | None = None
    currency: str | None = None
    grand_total: int | None = None
    placed_at: str | None = None
    points: int = 0


class Loyalty(Model):
    balance: int
    tier: str
    rolling_spend: int = Field(description="paid minus refunded over the rolling window, in points' worth")


class MergeOut(Model):
    id: str
    kind: str
    at: str
    survivor: str | None = None
    merged: list[str] | None = None
    profiles: list[str] | None = None
    profile: str | None = None
    reason: str | None = None
    rules: list[str] | None = Field(None, description="a merge: the rules that joined its profiles, e.g. email, or name+phone (a phone the names agreed on)")


class ProfileView(Model):
    profile_id: str
    identifiers: list[IdentifierOut]
    fields: dict[str, str]
    consent: list[ConsentOut]
    channels: list[str]
    orders: list[OrderOut]
    loyalty: Loyalty
    merges: list[MergeOut]


class SourceRecordOut(Model):
    channel: str | None
    first_seen: str
    last_seen: str
    sources: list[str]
    identifier_types: list[str]


class LedgerEntryOut(Model):
    entry_id: str
    kind: str
    points: int
    order_id: str
    at: str


class ProfileExport(Model):
    """Everything Omni's profiles domain knows about a person, across their merged profiles."""

    profile: ProfileView
    records: list[SourceRecordOut]
    ledger: list[LedgerEntryOut]


class Erased(Model):
    profile_id: str
    erased: bool


class Redemption(Model):
    entry_id: str
    order_id: str
    points: int
    balance: int
