"""Events profiles publishes (source omni.profiles), as the cross-domain contract names them. No PII:
ids, versions and figures only (customer_ids are account ids, which orders already holds)."""

from __future__ import annotations

from kernel.envelope import DomainEvent


class OrdersAttributed(DomainEvent):
    """The orders (from every channel) and accounts that came to a profile with this version of its graph (by a new
    order, a merge or an unmerge; those it already had are not named again); orders keeps the highest version per
    order and per account."""

    TYPE = "OrdersAttributed"

    profile_id: str
    order_ids: list[str]
    customer_ids: list[str]
    version: int
    at: str


class ProfilesMerged(DomainEvent):
    TYPE = "ProfilesMerged"

    merge_id: str
    survivor_id: str
    merged_ids: list[str]
    at: str


class ProfileUnmerged(DomainEvent):
    TYPE = "ProfileUnmerged"

    merge_id: str
    profile_ids: list[str]
    at: str


class ProfileErased(DomainEvent):
    """Orders drops the personal data of this profile's orders and accounts (keeping figures). The ids are
    the profile's as it was erased, so orders needs no attribution of its own to find them."""

    TYPE = "ProfileErased"

    profile_id: str
    order_ids: list[str] = []
    customer_ids: list[str] = []
    at: str


class PointsEarned(DomainEvent):
    """Points of a paid order (any channel), on the profile the order belongs to."""

    TYPE = "PointsEarned"

    profile_id: str
    entry_id: str
    points: int
    order_id: str | None = None
    balance: int


class PointsRedeemed(DomainEvent):
    """Points spent on an order (as a tender or discount): `points` is negative."""

    TYPE = "PointsRedeemed"

    profile_id: str
    entry_id: str
    points: int
    order_id: str | None = None
    balance: int


class PointsReversed(DomainEvent):
    """Points taken back for a return or refund: `points` is negative."""

    TYPE = "PointsReversed"

    profile_id: str
    entry_id: str
    points: int
    order_id: str | None = None
    balance: int


class PointsGivenBack(DomainEvent):
    """Points redeemed on an order that was cancelled, back on the profile: `points` is positive."""

    TYPE = "PointsGivenBack"

    profile_id: str
    entry_id: str
    points: int
    order_id: str | None = None
    balance: int
