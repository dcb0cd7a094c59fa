"""Holds: reserve, confirm, commit, release and expire — every step one transaction over the hold
rows and the stock rows they hold, so held counters always equal the sum of active holds.

One engine builds every step's operations (`placement`, `moves`): inventory's routes and sweeper run
them here, and orders composes the same operations into its own transactions through
inventory.logic.for_orders. Who may ask for which step through the API is `channel_reserve` and
`channel_transition`: a channel key holds soft and releases; hard holds and commits are orders'."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
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
from kernel.errors import Conflict, Forbidden, IdempotencyKeyReused, InsufficientStock, NotFound, Unprocessable
from kernel.settings import Channel

MAX_ATTEMPTS = 8

Row = tuple[str, str]  # (sku, location)


def take_from_shards(lines: list[HoldLineIn], counts: dict[str, int], learned: dict[Row, dict[int, int]]) -> dict[str, dict[int, int] | None]:
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
        plan[line_key(line)] = taken
    return plan


def line_key(line: HoldLineIn) -> str:
    return line.line + "#" + line.location_id


# Who may move stock through the API (issue 9): channel keys reserve soft cart holds and release them.
# Hard holds come only from checkout and commits only from fulfilment (orders, through for_orders) or
# from a recorded sale; a marketplace only sends webhooks.
HOLDING_KINDS = frozenset({"storefront", "store"})
CHANNEL_ACTIONS = frozenset({"release"})


def channel_reserve(channel: Channel, request: ReserveIn) -> Holds:
    if channel.kind not in HOLDING_KINDS:
        raise Forbidden(f"a {channel.kind} channel does not hold stock", code="holds_forbidden")
    if request.hold is not HoldState.soft:
        raise Forbidden("hard holds come only from checkout: a channel places soft cart holds", code="hard_hold_forbidden", field="hold")
    return reserve(channel, request)


def channel_transition(channel: Channel, reference: str, action: str, lines: list[str] | None = None) -> Holds:
    if channel.kind not in HOLDING_KINDS:
        raise Forbidden(f"a {channel.kind} channel does not hold stock", code="holds_forbidden")
    if action not in CHANNEL_ACTIONS:
        raise Forbidden(f"a channel may not {action} holds: orders confirms them at checkout and commits them at fulfilment", code="hold_move_forbidden", field="action")
    return transition(channel, reference, action, lines, soft_only=True)


@dataclass
class Refused:
    """What a refused placement ran into, operation by operation."""

    existing: list[tuple[Hold, dict]] = field(default_factory=list)  # the key is held already: (new hold, the row there)
    short: list[tuple[StockChange, dict | None]] = field(default_factory=list)  # a stock row without the units (as it was)
    not_serving: list[tuple[str, dict | None]] = field(default_factory=list)  # a location unknown, closed or not serving


@dataclass
class Placement:
    """New holds and what places them: each hold row (new, or its last hold ended), each stock row it
    takes from (`available >= units`, one change per row) and each location it is at (open and
    serving the channel) — the operations of one transaction, in that order."""

    holds: list[Hold]
    changes: list[StockChange]
    serving: list[str]

    @property
    def operations(self) -> list[dict]:
        operations = [holds_table.place(hold) for hold in self.holds] + [change.operation() for change in self.changes]
        return operations + [locations.serves(location_id, self.holds[0].channel) for location_id in self.serving]

    def refused(self, reasons: list[table.Reason]) -> Refused:
        """The refusals of this placement's operations (`reasons` of them alone, in their order)."""
        refused = Refused()
        for index, reason in enumerate(reasons):
            if reason.code != "ConditionalCheckFailed":
                continue
            if index < len(self.holds):
                refused.existing.append((self.holds[index], reason.item))
            elif index < len(self.holds) + len(self.changes):
                refused.short.append((self.changes[index - len(self.holds)], reason.item))
            else:
                refused.not_serving.append((self.serving[index - len(self.holds) - len(self.changes)], reason.item))
        return refused


def placement(channel_id: str, reference: str, lines: list[HoldLineIn], taken: dict[str, dict[int, int]], kind: HoldState, moment: datetime, expires_at: str | None) -> Placement:
    """The holds of `lines` on the shards `taken` says (by line key), new identities each."""
    new_holds = [
        Hold(
            hold_id=uuid.uuid4().hex,
            reference=reference,
            line=line.line,
            sku=line.sku,
            location_id=line.location_id,
            quantity=line.quantity,
            shards={str(shard): units for shard, units in taken[line_key(line)].items()},
            state=kind,
            channel=channel_id,
            created_at=clock.iso(moment),
            updated_at=clock.iso(moment),
            expires_at=expires_at,
        )
        for line in lines
    ]
    changes = stock_table.merged(
        [StockChange(hold.sku, hold.location_id, int(shard), held=units, min_available=units) for hold in new_holds for shard, units in hold.shards.items()]
    )
    return Placement(new_holds, changes, list(dict.fromkeys(hold.location_id for hold in new_holds)))


def too_large() -> Unprocessable:
    return Unprocessable("these lines need more writes than one transaction takes: reserve fewer lines at a time", errors=[{"in": "body", "field": "lines", "type": "too_large"}])


def reserve(channel: Channel, request: ReserveIn) -> Holds:
    """Hold every line or none. A repeat of a line already held returns the existing hold."""
    counts = shard_counts([line.sku for line in request.lines])
    moment = clock.now()
    expires_at = clock.iso(clock.later(request.ttl_seconds, moment)) if request.hold is HoldState.soft else None
    pending = {line_key(line): line for line in request.lines}
    kept: list[Hold] = []
    learned: dict[Row, dict[int, int]] = {}
    for _ in range(MAX_ATTEMPTS):
        plan = take_from_shards(list(pending.values()), counts, learned)
        short = [line for key, line in pending.items() if plan[key] is None]
        if short:
            raise _shortage(short, learned)
        placing = placement(channel.id, request.reference, list(pending.values()), plan, request.hold, moment, expires_at)
        operations = placing.operations
        if len(operations) > table.MAX_TRANSACTION_ITEMS:
            raise too_large()
        try:
            table.transact(operations)
            return Holds(reference=request.reference, holds=kept + placing.holds)
        except table.Rejected as rejected:
            refused = placing.refused(rejected.reasons)
            for hold, item in refused.existing:
                kept.append(_existing(holds_table.hold_from(item), pending.pop(line_key(hold)), channel, request.hold))
            if refused.not_serving:
                raise not_serving(*refused.not_serving[0], channel.id) from rejected
            for change, item in refused.short:
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


def not_serving(location_id: str, item: dict | None, channel_id: str) -> Exception:
    if item is None:
        return NotFound(f"unknown location {location_id}", field="location_id")
    state = "is closed" if not item.get("open", True) else f"does not serve {channel_id}"
    return Conflict(f"location {location_id} {state}", code="location_not_serving", field="location_id")


def _shortage(lines: list[HoldLineIn], learned: dict[Row, dict[int, int]]) -> Exception:
    for location_id in sorted({line.location_id for line in lines}):
        if not any(row[1] == location_id and figures for row, figures in learned.items()) and locations.get(location_id) is None:
            return NotFound(f"unknown location {location_id}", field="location_id")
    return insufficient(lines, {row: sum(figures.values()) for row, figures in learned.items()})


def insufficient(lines: list[HoldLineIn], available: dict[Row, int]) -> InsufficientStock:
    """The lines that could not be held, each with what its row had available."""
    short = [
        {"line": line.line, "sku": line.sku, "location_id": line.location_id, "requested": line.quantity, "available": max(0, available.get((line.sku, line.location_id), 0))}
        for line in lines
    ]
    return InsufficientStock("not enough stock for: " + ", ".join(f"{s['sku']}@{s['location_id']}" for s in short), lines=short)


MOVES = {
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


class HoldsMoved(Conflict):
    """A hold or a stock row moved under a transition: read again (a 409 for a caller that cannot)."""

    code = "contention"

    def __init__(self, detail: str = "holds changed while moving them; read them again"):
        super().__init__(detail)


@dataclass
class Moves:
    """Holds moving to `target`: a guarded update of each hold row (its identity and state as read),
    then the stock rows the move changes — the operations of one transaction, in that order."""

    holds: list[Hold]
    target: HoldState
    operations: list[dict]

    def refusal(self, reasons: list[table.Reason]) -> Exception | None:
        """What the refusal of these operations (`reasons` of them alone) means; None when nothing refused."""
        failed = [index for index, reason in enumerate(reasons) if reason.code == "ConditionalCheckFailed"]
        if not failed:
            return None
        if self.target is HoldState.committed and any(index >= len(self.holds) for index in failed):
            return Conflict("fewer units are on hand than held: a count found them missing", code="units_missing")
        return HoldsMoved()


def moves(holds: list[Hold], target: HoldState, moment: datetime, **guards: str) -> Moves:
    now = clock.iso(moment)
    operations = [holds_table.move(hold, target, now, now_epoch=int(moment.timestamp()), **guards) for hold in holds]
    return Moves(holds, target, operations + _stock_operations(holds, target))


def restocking(holds: list[Hold], moment: datetime) -> Moves:
    """Committed units back on hand where they left (an order cancelled after its pick, before the goods
    left the building): each hold row moves committed → released, guarded by its identity and state as
    read, so a repeat restocks nothing; on hand grows on the shards the units came from (shard 0 alone
    needs no read; other shards by the shard rule)."""
    now = clock.iso(moment)
    operations = [holds_table.move(hold, HoldState.released, now, now_epoch=int(moment.timestamp())) for hold in holds]
    back: dict[Row, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for hold in holds:
        for shard, units in hold.shards.items():
            back[(hold.sku, hold.location_id)][int(shard)] += units
    for (sku, location_id), units in back.items():
        if set(units) == {0}:
            operations.append(StockChange(sku, location_id, 0, on_hand=units[0]).operation())
        else:
            operations += plan(sku, location_id, stock_table.shards(sku, location_id), {shard: Fixed(on_hand=count) for shard, count in units.items()})
    return Moves(holds, HoldState.released, operations)


def movable(holds: list[Hold], action: str, now: str) -> list[Hold]:
    """The holds `action` has to move (those already there stay); Conflict when one cannot move."""
    target, sources = MOVES[action]
    moving = [hold for hold in holds if hold.state is not target]
    for hold in moving:
        if hold.state not in sources:
            raise Conflict(f"hold {hold.line} at {hold.location_id} is {hold.state.value}", field="reference")
        if action == "confirm" and hold.expires_at and hold.expires_at <= now:
            raise Conflict(f"hold {hold.line} at {hold.location_id} has expired", field="reference")
    return moving


def _end(holds: list[Hold], target: HoldState, moment: datetime, **guards: str) -> None:
    moving = moves(holds, target, moment, **guards)
    try:
        table.transact(moving.operations)
    except table.Rejected as rejected:
        raise (moving.refusal(rejected.reasons) or HoldsMoved()) from rejected


def transition(channel: Channel, reference: str, action: str, lines: list[str] | None = None, *, soft_only: bool = False) -> Holds:
    """`soft_only` (a channel's key): an order's hard holds end only with the order (fulfilment, cancellation)."""
    if lines is not None and not lines:
        raise Unprocessable("name at least one line, or leave lines out for all", errors=[{"in": "body", "field": "lines", "type": "too_short"}])
    target, _ = MOVES[action]
    for _ in range(MAX_ATTEMPTS):
        holds = holds_table.of_reference(channel.id, reference)
        chosen = [hold for hold in holds if lines is None or hold.line in lines]
        if not chosen or (lines and {hold.line for hold in chosen} != set(lines)):
            raise NotFound(f"no holds for {reference}" + (f" lines {', '.join(lines)}" if lines else ""), field="reference")
        if soft_only and any(hold.state is HoldState.hard for hold in chosen):
            raise Forbidden("an order's hard holds end with the order: cancel it instead", code="hold_move_forbidden", field="reference")
        moment = clock.now()
        now = clock.iso(moment)
        moving = movable(chosen, action, now)
        try:
            for chunk in _chunks(moving):
                _end(chunk, target, moment, **({"unexpired_at": now} if action == "confirm" else {}))
        except HoldsMoved:
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
            except HoldsMoved:
                pass  # confirmed, released or expired meanwhile (or its rows moved: the next sweep retries)
    return expired
