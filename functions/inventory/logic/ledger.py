"""Running a ledgered stock change: build the transaction, run it, and read its refusal.

Each step of the transaction has a role; when DynamoDB refuses, the role of the failed step says
what happened: the source event was applied before (a replay), the SKU or a location is unknown or
does not serve the channel, or the stock figures moved (the caller decides: retry on fresh figures,
or refuse). A replay is answered from the ledger row, and only when it is the same request; the
ledger row is looked up before any refusal, so a retry of an applied change gets its first answer
even when the rule that change made no longer passes (the stock it took is gone).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from inventory.dal import locations, skus
from kernel import table
from kernel.errors import Conflict, DomainError, Forbidden, IdempotencyKeyReused, NotFound, Unprocessable
from kernel.settings import Channel

MAX_ATTEMPTS = 8
OPERATORS = "operators"  # every operator shares one key scope: a retry from a new session still dedupes


def scope_of(channel: Channel | None) -> str:
    """Whose namespace a source event id lives in: the calling channel's, or the back office's."""
    return OPERATORS if channel is None else f"channel:{channel.id}"


@dataclass(frozen=True)
class Step:
    operation: dict
    role: str  # "record", "sku:<sku>", "location:<id>", "serves:<id>", "stock"


class Retry(Exception):
    """The stock figures a plan was built on changed: build it again."""


def guards(sku_codes: list[str], location_ids: list[str], channel: Channel | None = None) -> list[Step]:
    """Transaction steps that refuse the whole change when a SKU or location is unknown, or, for a
    channel, when a location does not serve it."""
    steps = [Step(skus.exists(sku), f"sku:{sku}") for sku in dict.fromkeys(sku_codes)]
    if channel is None:
        return steps + [Step(locations.exists(location_id), f"location:{location_id}") for location_id in dict.fromkeys(location_ids)]
    return steps + [Step(locations.serves(location_id, channel.id, require_open=False), f"serves:{location_id}") for location_id in dict.fromkeys(location_ids)]


def ensure_known(sku_codes: list[str], location_ids: list[str]) -> None:
    """The same check by reading, for a change refused before it reached the table."""
    for sku in dict.fromkeys(sku_codes):
        if skus.get(sku) is None:
            raise NotFound(f"unknown sku {sku}", field="sku")
    for location_id in dict.fromkeys(location_ids):
        if locations.get(location_id) is None:
            raise NotFound(f"unknown location {location_id}", field="location_id")


def same_request(stored: dict, expected: Mapping[str, object], fields: Mapping[str, str]) -> None:
    """Refuse a reused key whose content differs: `fields` maps each stored attribute to the request
    field that carries it, which the 409 names."""
    for attribute, field in fields.items():
        if stored.get(attribute) != expected.get(attribute):
            raise IdempotencyKeyReused(f"source_event_id {stored.get('source_event_id')} was used for another change ({field} differs)", field=field)


def retry(_: list[dict]) -> None:
    """The usual answer to refused stock guards: the figures moved, plan again on fresh ones."""
    raise Retry


def run(
    build: Callable[[], list[Step]],
    on_stock_refused: Callable[[list[dict]], None] = retry,
    on_replay: Callable[[], object | None] | None = None,
    *,
    field: str = "lines",
):
    """Run the transaction `build` makes. Returns None when it was applied, else what on_replay gives
    (the stored answer of the same request applied before; on_replay returns None when there is none).
    A change too large for one transaction is a 422 naming `field`."""

    def replay_or(error: DomainError):
        previous = on_replay() if on_replay else None
        if previous is None:
            raise error
        return previous

    for _ in range(MAX_ATTEMPTS):
        try:
            steps = build()
        except DomainError as error:  # a rule refused it: unless it was applied before
            return replay_or(error)
        if len(steps) > table.MAX_TRANSACTION_ITEMS:
            raise Unprocessable(
                f"this change needs {len(steps)} writes; one transaction takes {table.MAX_TRANSACTION_ITEMS}: split it",
                errors=[{"in": "body", "field": field, "type": "too_large"}],
            )
        try:
            table.transact([step.operation for step in steps])
            return None
        except table.Rejected as rejected:
            failed = [(steps[index].role, rejected.reasons[index].item) for index in rejected.failed()]
        roles = {role for role, _ in failed}
        if "record" in roles and on_replay:
            previous = on_replay()
            if previous is not None:
                return previous
            continue  # the row was there and is gone (expired): apply it now
        for role, item in failed:
            kind, _, name = role.partition(":")
            if kind in ("sku", "location") or (kind == "serves" and item is None):
                raise NotFound(f"unknown {'sku' if kind == 'sku' else 'location'} {name}", field="sku" if kind == "sku" else "location_id")
            if kind == "serves":
                raise Forbidden(f"location {name} does not serve this channel", code="location_not_serving", field="location_id")
        try:
            on_stock_refused([item for role, item in failed if role == "stock"])
        except Retry:
            continue
        except DomainError as error:
            return replay_or(error)
    raise Conflict("stock changed too often; try again", code="contention")
