"""Holds: reserve, confirm, commit, release and expire — every step one transaction over the hold
rows and the stock rows they hold, so held counters always equal the sum of active holds."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import datetime

from inventory.dal import holds as holds_table
from inventory.dal import keys, locations
from inventory.dal import stock as stock_table
from inventory.dal.stock import StockChange
from inventory.logic.atp import allocate
from inventory.logic.shards import learn, shard_counts
from inventory.logic.spread import Fixed, plan
from inventory.models.holds import ACTIVE, Hold, HoldLineIn, Holds, HoldState, ReserveIn
from kernel import clock, table
from kernel.errors import Conflict, IdempotencyKeyReused, InsufficientStock, NotFound, Unprocessable
from kernel.settings import Channel

MAX_ATTEMPTS = 8

Row = tuple[str, str]  # (sku, location)


def _plan(lines: list[HoldLineIn], counts: dict[str, int], learned: dict[Row, dict[int, int]]) -> dict[str, dict[int, int] | None]:
    """Which shards each line takes its units from. Unsharded: shard 0. Sharded: a random shard, or,
    once a shard was found short, the shards' real figures shared out among the lines."""
    remaining = {row: dict(figures) for row, figures in learned.items()}
    plan: dict[str, dict[int, int] | None] = {}
    for line in lines:
        row = (line.sku, line.location_id)
        shards = counts[line.sku]
        if row in remaining:
            figures = {shard: remaining[row].get(shard, 0) for shard in range(shards)}
            taken = allocate(line.quantity, figures, prefer=random.randrange(shards))
            for shard, units in (taken or {}).items():
                remaining[row][shard] = figures[shard] - units
        else:
            taken = {random.randrange(shards) if shards > 1 else 0: line.quantity}
        plan[_key(line)] = taken
    return plan


def _key(line: HoldLineIn) -> str:
    return line.line + "#" + line.location_id


def reserve(channel: Channel, request: ReserveIn) -> Holds:
    """Hold every line or none. A repeat of a line already held returns the existing hold."""
    counts = shard_counts([line.sku for line in request.lines])
    moment = clock.now()
    expires_at = clock.iso(clock.later(request.ttl_seconds, moment)) if request.hold is HoldState.soft else None
    pending = {_key(line): line for line in request.lines}
    kept: list[Hold] = []
    learned: dict[Row, dict[int, int]] = {}
    for _ in range(MAX_ATTEMPTS):
        plan = _plan(list(pending.values()), counts, learned)
        short = [line for key, line in pending.items() if plan[key] is None]
        if short:
            raise _shortage(short, learned)
        new_holds = [
            Hold(
                hold_id=uuid.uuid4().hex,
                reference=request.reference,
                line=line.line,
                sku=line.sku,
                location_id=line.location_id,
                quantity=line.quantity,
                shards={str(shard): units for shard, units in plan[key].items()},
                state=request.hold,
                channel=channel.id,
                created_at=clock.iso(moment),
                updated_at=clock.iso(moment),
                expires_at=expires_at,
            )
            for key, line in pending.items()
        ]
        changes = stock_table.merged(
            [
                StockChange(hold.sku, hold.location_id, int(shard), held=units, min_available=units)
                for hold in new_holds
                for shard, units in hold.shards.items()
            ]
        )
        serving = list(dict.fromkeys(hold.location_id for hold in new_holds))
        operations = [holds_table.place(hold) for hold in new_holds] + [change.operation() for change in changes]
        operations += [locations.serves(location_id, channel.id) for location_id in serving]
        if len(operations) > table.MAX_TRANSACTION_ITEMS:
            raise Unprocessable("these lines need more writes than one transaction takes: reserve fewer lines at a time", errors=[{"in": "body", "field": "lines", "type": "too_large"}])
        try:
            table.transact(operations)
            return Holds(reference=request.reference, holds=kept + new_holds)
        except table.Rejected as rejected:
            for index in rejected.failed():
                item = rejected.reasons[index].item
                if index < len(new_holds):
                    hold = new_holds[index]
                    kept.append(_existing(holds_table.hold_from(item), pending.pop(_key(hold)), channel, request.hold))
                elif index >= len(new_holds) + len(changes):
                    raise _not_serving(serving[index - len(new_holds) - len(changes)], item, channel) from rejected
                else:
                    change = changes[index - len(new_holds)]
                    if item and int(item.get("shards", 1)) > counts[change.sku]:
                        counts[change.sku] = int(item["shards"])
                        learn(change.sku, counts[change.sku])
                    row = (change.sku, change.location_id)
                    learned[row] = {shard.shard: shard.available for shard in stock_table.shards(*row)}
            if not pending:
                return Holds(reference=request.reference, holds=kept)
    raise Conflict("stock changed too often while reserving; try again", code="contention")


def _existing(hold: Hold, line: HoldLineIn, channel: Channel, kind: HoldState) -> Hold:
    """A repeated reservation gets the hold it placed; the same key with other content is refused."""
    differs = next(
        (field for field, same in (("channel", hold.channel == channel.id), ("sku", hold.sku == line.sku), ("quantity", hold.quantity == line.quantity), ("hold", hold.state is kind)) if not same),
        None,
    )
    if differs is None:
        return hold
    if hold.state not in ACTIVE:
        raise Conflict(f"line {line.line} at {line.location_id} of {hold.reference} is {hold.state.value}", field="lines")
    raise IdempotencyKeyReused(
        f"line {line.line} at {line.location_id} of {hold.reference} is already held with another {differs} ({hold.state.value})",
        field="hold" if differs == "hold" else "lines",
    )


def _not_serving(location_id: str, item: dict | None, channel: Channel) -> Exception:
    if item is None:
        return NotFound(f"unknown location {location_id}", field="location_id")
    state = "is closed" if not item.get("open", True) else f"does not serve {channel.id}"
    return Conflict(f"location {location_id} {state}", code="location_not_serving", field="location_id")


def _shortage(lines: list[HoldLineIn], learned: dict[Row, dict[int, int]]) -> Exception:
    for location_id in sorted({line.location_id for line in lines}):
        if not any(row[1] == location_id and figures for row, figures in learned.items()) and locations.get(location_id) is None:
            return NotFound(f"unknown location {location_id}", field="location_id")
    short = [
        {
            "line": line.line,
            "sku": line.sku,
            "location_id": line.location_id,
            "requested": line.quantity,
            "available": max(0, sum(learned.get((line.sku, line.location_id), {}).values())),
        }
        for line in lines
    ]
    return InsufficientStock("not enough stock for: " + ", ".join(f"{s['sku']}@{s['location_id']}" for s in short), lines=short)


_MOVES = {
    "confirm": (HoldState.hard, {HoldState.soft}),
    "commit": (HoldState.committed, {HoldState.soft, HoldState.hard}),
    "release": (HoldState.released, {HoldState.soft, HoldState.hard}),
}


def _stock_operations(holds: list[Hold], target: HoldState) -> list[dict]:
    """What ending holds does to their stock rows: a commit takes the units off hand (they left the
    building; units a count found missing cannot be picked), a release or expiry frees them, spread
    by the shard rule when they free units on a shard other than 0; a confirmation changes nothing."""
    if target is HoldState.hard:
        return []
    if target is HoldState.committed:
        changes = [StockChange(hold.sku, hold.location_id, int(shard), held=-units, on_hand=-units, min_on_hand=units) for hold in holds for shard, units in hold.shards.items()]
        return [change.operation() for change in stock_table.merged(changes)]
    by_row: dict[Row, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for hold in holds:
        for shard, units in hold.shards.items():
            by_row[(hold.sku, hold.location_id)][int(shard)] += units
    operations = []
    for (sku, location_id), freed in by_row.items():
        if set(freed) == {0}:  # freed on shard 0 alone: always within the rule, no read needed
            operations.append(StockChange(sku, location_id, 0, held=-freed[0]).operation())
        else:
            operations += plan(sku, location_id, stock_table.shards(sku, location_id), {shard: Fixed(held=-units) for shard, units in freed.items()})
    return operations


def _chunks(holds: list[Hold]) -> list[list[Hold]]:
    """Holds in groups whose transaction fits: each hold is guarded by its own identity and state, so
    each group is safe alone, and a retry moves only what is still to move."""
    counts = shard_counts([hold.sku for hold in holds]) if holds else {}
    chunks: list[list[Hold]] = [[]]
    size = 0
    for hold in holds:
        cost = 2 + max(2 * len(hold.shards), counts[hold.sku])  # the hold, then at most every shard of its row and a guard
        if chunks[-1] and size + cost > table.MAX_TRANSACTION_ITEMS:
            chunks.append([])
            size = 0
        chunks[-1].append(hold)
        size += cost
    return chunks


class _Moved(Exception):
    """A hold or a stock row moved under a transition: read again."""


def _end(holds: list[Hold], target: HoldState, moment: datetime, **guards: str) -> None:
    now = clock.iso(moment)
    operations = [holds_table.move(hold, target, now, now_epoch=int(moment.timestamp()), **guards) for hold in holds]
    stock = _stock_operations(holds, target)
    try:
        table.transact(operations + stock)
    except table.Rejected as rejected:
        if target is HoldState.committed and any(index >= len(operations) for index in rejected.failed()):
            raise Conflict("fewer units are on hand than held: a count found them missing", code="units_missing") from rejected
        raise _Moved from rejected


def transition(channel: Channel, reference: str, action: str, lines: list[str] | None = None) -> Holds:
    if lines is not None and not lines:
        raise Unprocessable("name at least one line, or leave lines out for all", errors=[{"in": "body", "field": "lines", "type": "too_short"}])
    target, sources = _MOVES[action]
    for _ in range(MAX_ATTEMPTS):
        holds = [hold for hold in holds_table.of_reference(reference) if hold.channel == channel.id]
        chosen = [hold for hold in holds if lines is None or hold.line in lines]
        if not chosen or (lines and {hold.line for hold in chosen} != set(lines)):
            raise NotFound(f"no holds for {reference}" + (f" lines {', '.join(lines)}" if lines else ""), field="reference")
        moment = clock.now()
        now = clock.iso(moment)
        moving = [hold for hold in chosen if hold.state is not target]
        for hold in moving:
            if hold.state not in sources:
                raise Conflict(f"hold {hold.line} at {hold.location_id} is {hold.state.value}", field="reference")
            if action == "confirm" and hold.expires_at and hold.expires_at <= now:
                raise Conflict(f"hold {hold.line} at {hold.location_id} has expired", field="reference")
        try:
            for chunk in _chunks(moving):
                _end(chunk, target, moment, **({"unexpired_at": now} if action == "confirm" else {}))
        except _Moved:
            continue  # a hold moved underneath (expired, released elsewhere) or its stock rows did: look again
        updates = {"state": target, "updated_at": now} | ({"expires_at": None} if target is HoldState.hard else {})
        return Holds(reference=reference, holds=[hold.model_copy(update=updates) if hold in moving else hold for hold in chosen])
    raise Conflict("holds changed too often; try again", code="contention")


def expire_due(moment: datetime | None = None) -> int:
    """Give back the units of soft holds past their deadline; found through the sparse expiry index."""
    moment = moment or clock.now()
    now = clock.iso(moment)
    expired = 0
    for bucket in range(keys.HOLD_EXPIRY_BUCKETS):
        for hold in holds_table.expiring(bucket, now):
            if hold.state is not HoldState.soft or not hold.expires_at or hold.expires_at > now:
                continue  # the index lags the table a little
            try:
                _end([hold], HoldState.expired, moment, expired_by=now)
                expired += 1
            except _Moved:
                pass  # confirmed, released or expired meanwhile (or its rows moved: the next sweep retries)
    return expired
