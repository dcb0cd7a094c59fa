"""Holds: reserve, confirm, commit, release and expire — every step one transaction over the hold
rows and the stock rows they hold, so held counters always equal the sum of active holds."""

from __future__ import annotations

import random
from datetime import datetime

from inventory.dal import holds as holds_table
from inventory.dal import keys, locations
from inventory.dal import stock as stock_table
from inventory.dal.stock import StockChange
from inventory.logic.atp import allocate
from inventory.logic.shards import learn, shard_counts
from inventory.models.holds import ACTIVE, Hold, HoldLineIn, Holds, HoldState, ReserveIn
from kernel import clock, table
from kernel.errors import Conflict, InsufficientStock, NotFound
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
        try:
            table.transact(operations)
            return Holds(reference=request.reference, holds=kept + new_holds)
        except table.Rejected as rejected:
            for index in rejected.failed():
                item = rejected.reasons[index].item
                if index < len(new_holds):
                    hold = new_holds[index]
                    kept.append(_existing(holds_table.hold_from(item), pending.pop(_key(hold)), channel))
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


def _existing(hold: Hold, line: HoldLineIn, channel: Channel) -> Hold:
    if hold.state in ACTIVE and hold.channel == channel.id and hold.sku == line.sku and hold.quantity == line.quantity:
        return hold
    raise Conflict(
        f"line {line.line} at {line.location_id} of {hold.reference} is already held with other figures ({hold.state.value})",
        field="lines",
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


def _stock_changes(hold: Hold, target: HoldState) -> list[StockChange]:
    """What a hold's end does to its stock rows: a release or expiry frees the units, a commit
    takes them off hand (they left the building), a confirmation changes nothing."""
    if target is HoldState.hard:
        return []
    if target is HoldState.committed:  # units a count found missing cannot be picked
        return [StockChange(hold.sku, hold.location_id, int(shard), held=-units, on_hand=-units, min_on_hand=units) for shard, units in hold.shards.items()]
    return [StockChange(hold.sku, hold.location_id, int(shard), held=-units) for shard, units in hold.shards.items()]


def transition(channel: Channel, reference: str, action: str, lines: list[str] | None = None) -> Holds:
    target, sources = _MOVES[action]
    for _ in range(3):
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
        operations = [
            holds_table.move(hold, target, now, now_epoch=int(moment.timestamp()), unexpired_at=now if action == "confirm" else None)
            for hold in moving
        ]
        operations += [change.operation() for change in stock_table.merged([c for hold in moving for c in _stock_changes(hold, target)])]
        try:
            table.transact(operations)
        except table.Rejected as rejected:
            if any(index >= len(moving) for index in rejected.failed()):
                raise Conflict("fewer units are on hand than held: a count found them missing", code="units_missing") from rejected
            continue  # a hold moved underneath (expired, released elsewhere): look again
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
            operations = [holds_table.move(hold, HoldState.expired, now, now_epoch=int(moment.timestamp()), expired_by=now)]
            operations += [change.operation() for change in _stock_changes(hold, HoldState.expired)]
            try:
                table.transact(operations)
                expired += 1
            except table.Rejected:
                pass  # confirmed, released or expired by another sweep meanwhile
    return expired
