"""Running a ledgered stock change: build the transaction, run it, and read its refusal.

Each step of the transaction has a role; when DynamoDB refuses, the role of the failed step says
what happened: the source event was applied before (a replay), the SKU or a location is unknown,
or the stock figures moved (the caller decides: retry on fresh figures, or refuse).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inventory.dal import locations, skus
from kernel import table
from kernel.errors import Conflict, NotFound

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Step:
    operation: dict
    role: str  # "record", "sku:<sku>", "location:<id>", "stock"


class Retry(Exception):
    """The stock figures a plan was built on changed: build it again."""


def guards(sku_codes: list[str], location_ids: list[str]) -> list[Step]:
    """Transaction steps that refuse the whole change when a SKU or location is unknown."""
    steps = [Step(skus.exists(sku), f"sku:{sku}") for sku in dict.fromkeys(sku_codes)]
    return steps + [Step(locations.exists(location_id), f"location:{location_id}") for location_id in dict.fromkeys(location_ids)]


def ensure_known(sku_codes: list[str], location_ids: list[str]) -> None:
    """The same check by reading, for a change refused before it reached the table."""
    for sku in dict.fromkeys(sku_codes):
        if skus.get(sku) is None:
            raise NotFound(f"unknown sku {sku}", field="sku")
    for location_id in dict.fromkeys(location_ids):
        if locations.get(location_id) is None:
            raise NotFound(f"unknown location {location_id}", field="location_id")


def retry(_: dict | None) -> None:
    """The usual answer to refused stock guards: the figures moved, plan again on fresh ones."""
    raise Retry


def run(build: Callable[[], list[Step]], on_stock_refused: Callable[[dict | None], None] = retry, on_replay: Callable[[], object] | None = None):
    """Run the transaction `build` makes. Returns None when it was applied, else what on_replay gives
    (a step with the role "record" refused: the change was applied before)."""
    for _ in range(MAX_ATTEMPTS):
        steps = build()
        try:
            table.transact([step.operation for step in steps])
            return None
        except table.Rejected as rejected:
            failed = {steps[index].role: rejected.reasons[index].item for index in rejected.failed()}
        if "record" in failed and on_replay:
            return on_replay()
        for role in failed:
            kind, _, name = role.partition(":")
            if kind in ("sku", "location"):
                raise NotFound(f"unknown {kind} {name}", field="sku" if kind == "sku" else "location_id")
        try:
            on_stock_refused(failed.get("stock"))
        except Retry:
            continue
    raise Conflict("stock changed too often; try again", code="contention")
