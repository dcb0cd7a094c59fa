"""Hold rows of the ledger."""

from __future__ import annotations

from inventory.dal import keys
from inventory.models.holds import Hold, HoldState
from kernel import table
from kernel.context import correlation_id

FINISHED_HOLD_RETENTION_SECONDS = 30 * 86_400  # DynamoDB TTL tidies finished holds away after this


def _item(hold: Hold) -> dict:
    item = {**keys.hold(hold.channel, hold.reference, hold.line, hold.location_id), "type": "hold", **hold.model_dump(mode="json"), "correlation_id": correlation_id()}
    if hold.state is HoldState.soft and hold.expires_at:
        item.update(keys.hold_expiry(hold.channel, hold.reference, hold.expires_at))
    return {key: value for key, value in item.items() if value is not None}


def place(hold: Hold) -> dict:
    """A new hold; a (reference, line, location) may be held again only once its last hold ended."""
    return keys.TABLE.put(
        _item(hold),
        "attribute_not_exists(pk) OR #state IN (:released, :expired)",
        {":released": HoldState.released.value, ":expired": HoldState.expired.value},
        {"#state": "state"},
    )


def move(hold: Hold, to: HoldState, now: str, *, now_epoch: int, expired_by: str | None = None, unexpired_at: str | None = None) -> dict:
    """Change a hold's state, guarded by the hold it was read as (its identity and state; for expiry,
    its deadline): never a newer hold placed under the same key since."""
    values: dict = {":from": hold.state.value, ":hold_id": hold.hold_id, ":to": to.value, ":now": now, ":cid": correlation_id()}
    assignments = "SET #state = :to, updated_at = :now, correlation_id = :cid"
    removals = " REMOVE gsi1pk, gsi1sk" if to is not HoldState.soft else ""
    if to not in (HoldState.soft, HoldState.hard):
        values[":ttl"] = now_epoch + FINISHED_HOLD_RETENTION_SECONDS
        assignments += ", #ttl = :ttl"
    if to is HoldState.hard:
        removals += ", expires_at"
    guard = "#state = :from AND hold_id = :hold_id"
    if expired_by:
        values[":deadline"] = expired_by
        guard += " AND expires_at <= :deadline"
    if unexpired_at:
        values[":at"] = unexpired_at
        guard += " AND (attribute_not_exists(expires_at) OR expires_at > :at)"
    names = {"#state": "state"} | ({"#ttl": "ttl"} if ":ttl" in values else {})
    return keys.TABLE.update(keys.hold(hold.channel, hold.reference, hold.line, hold.location_id), assignments + removals, guard, values, names)


def hold_from(item: dict) -> Hold:
    return table.as_model(Hold, item)


def of_reference(channel: str, reference: str) -> list[Hold]:
    return [hold_from(item) for item in keys.TABLE.query(keys.holds_of(channel, reference))]


def key(hold: Hold) -> dict:
    return keys.hold(hold.channel, hold.reference, hold.line, hold.location_id)


def expiring(bucket: int, now: str) -> list[Hold]:
    """Soft holds whose deadline has passed, from the sparse expiry index (no scan)."""
    items = keys.TABLE.query(keys.expiry_bucket(bucket), index="gsi1", sk_upto=f"{now}#\uffff")
    return [hold_from(item) for item in items]
