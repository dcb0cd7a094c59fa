"""Adjustments, transfers and sales: stock changes that come with a source event id and are applied
exactly once, in one transaction with their ledger row."""

from __future__ import annotations

from collections import defaultdict

from inventory.dal import adjustments as ledger_rows
from inventory.dal import stock as stock_table
from inventory.dal.stock import StockChange
from inventory.logic.atp import allocate
from inventory.logic.ledger import Retry, Step, ensure_known, guards, run
from inventory.models.stock import Adjustment, AdjustmentIn, AdjustmentKind, SaleIn, TransferIn
from kernel import clock
from kernel.errors import Conflict, Forbidden, InsufficientStock, Unprocessable
from kernel.settings import Channel

_DELTAS = {  # kind -> (on hand, unavailable) per unit
    AdjustmentKind.receipt: (1, 0),
    AdjustmentKind.damage: (0, 1),
    AdjustmentKind.restore: (0, -1),
    AdjustmentKind.write_off: (-1, -1),
}


def _record(adjustment: Adjustment) -> Step:
    return Step(ledger_rows.record(adjustment, int(clock.now().timestamp())), "record")


def _replayed(source_event_id: str, kind: str) -> Adjustment:
    previous = ledger_rows.get(source_event_id)
    if previous is None or previous.kind != kind:
        raise Conflict(f"source_event_id {source_event_id} was used for another change", field="source_event_id")
    return previous


def adjust(body: AdjustmentIn) -> Adjustment:
    if body.kind is AdjustmentKind.count and body.count_version is None:
        raise Unprocessable("a count needs count_version", errors=[{"in": "body", "field": "count_version", "type": "missing"}])
    if body.kind is not AdjustmentKind.count and body.quantity == 0:
        raise Unprocessable("quantity must be greater than 0", errors=[{"in": "body", "field": "quantity", "type": "greater_than"}])
    adjustment = Adjustment(source_event_id=body.source_event_id, kind=body.kind.value, sku=body.sku, location_id=body.location_id, quantity=body.quantity, applied_at=clock.iso(clock.now()))

    def build() -> list[Step]:
        steps = [_record(adjustment), *guards([body.sku], [body.location_id])]
        if body.kind is AdjustmentKind.count:
            return steps + _count_steps(body)
        on_hand, unavailable = _DELTAS[body.kind]
        change = StockChange(
            body.sku,
            body.location_id,
            on_hand=on_hand * body.quantity,
            unavailable=unavailable * body.quantity,
            min_unavailable=body.quantity if unavailable < 0 else None,
            min_on_hand=body.quantity if on_hand < 0 else None,
        )
        return steps + [Step(change.operation(), "stock")]

    def refused(item: dict | None) -> None:
        if body.kind is AdjustmentKind.count:
            if item and int(item.get("count_version") or 0) >= (body.count_version or 0):
                raise Conflict(f"a newer count ({item['count_version']}) was applied already", code="stale_count", field="count_version")
            raise Retry
        figures = item or {}
        raise Conflict(
            f"{body.kind.value} of {body.quantity} needs that many units unavailable and on hand at {body.location_id}"
            f" (unavailable {figures.get('unavailable', 0)}, on hand {figures.get('on_hand', 0)})",
            field="quantity",
        )

    return run(build, refused, on_replay=lambda: _replayed(body.source_event_id, body.kind.value)) or adjustment


def _count_steps(body: AdjustmentIn) -> list[Step]:
    """A count sets the location's on hand: the difference goes to shard 0, guarded by every shard's
    seq (nobody moved stock since we read it) and by the count version (no older count wins)."""
    shards = stock_table.shards(body.sku, body.location_id)
    first = next((shard for shard in shards if shard.shard == 0), None)
    delta = body.quantity - sum(shard.on_hand for shard in shards)
    steps = [
        Step(
            StockChange(body.sku, body.location_id, 0, on_hand=delta, count_version=body.count_version, expect_seq=first.seq if first else 0).operation(),
            "stock",
        )
    ]
    return steps + [Step(stock_table.unchanged(shard), "stock") for shard in shards if shard.shard != 0]


def transfer(body: TransferIn) -> Adjustment:
    if body.from_location_id == body.to_location_id:
        raise Unprocessable("a transfer needs two locations", errors=[{"in": "body", "field": "to_location_id", "type": "same_location"}])
    adjustment = Adjustment(
        source_event_id=body.source_event_id,
        kind="transfer",
        sku=body.sku,
        location_id=body.from_location_id,
        to_location_id=body.to_location_id,
        quantity=body.quantity,
        applied_at=clock.iso(clock.now()),
    )

    def build() -> list[Step]:
        figures = {shard.shard: shard.available for shard in stock_table.shards(body.sku, body.from_location_id)}
        taken = allocate(body.quantity, figures, prefer=0)
        if taken is None:
            ensure_known([body.sku], [body.from_location_id, body.to_location_id])
            available = max(0, sum(figures.values()))
            raise InsufficientStock(f"only {available} available at {body.from_location_id}", field="quantity", available=available)
        moves = [StockChange(body.sku, body.from_location_id, shard, on_hand=-units, min_available=units) for shard, units in taken.items()]
        moves.append(StockChange(body.sku, body.to_location_id, 0, on_hand=body.quantity))
        steps = [_record(adjustment), *guards([body.sku], [body.from_location_id, body.to_location_id])]
        return steps + [Step(change.operation(), "stock") for change in moves]

    return run(build, on_replay=lambda: _replayed(body.source_event_id, "transfer")) or adjustment


def record_sale(channel: Channel, body: SaleIn) -> list[Adjustment]:
    """A sale that already happened is recorded even when stock is short; the shortfall is kept on
    the ledger row, from which the outbox raises OversellDetected."""
    if channel.kind == "storefront":
        raise Forbidden("storefront channels sell through holds, not recorded sales")
    ids = [f"{body.source_event_id}:{index}" for index in range(len(body.lines))]
    result: list[Adjustment] = []

    def build() -> list[Step]:
        result.clear()
        rows = {(line.sku, line.location_id) for line in body.lines}
        read = {row: {shard.shard: shard for shard in stock_table.shards(*row)} for row in rows}
        free = {row: {number: max(0, shard.available) for number, shard in shards.items()} for row, shards in read.items()}
        taken: dict[tuple[str, str, int], int] = defaultdict(int)
        now = clock.iso(clock.now())
        for line, source_id in zip(body.lines, ids, strict=True):
            row = (line.sku, line.location_id)
            remaining = line.quantity
            for number in sorted(free[row], key=lambda n: -free[row][n]):
                units = min(remaining, free[row][number])
                free[row][number] -= units
                taken[(*row, number)] += units
                remaining -= units
            taken[(*row, 0)] += remaining  # sold without stock: shard 0 goes below zero
            result.append(Adjustment(source_event_id=source_id, kind="sale", sku=line.sku, location_id=line.location_id, quantity=line.quantity, shortfall=remaining, channel=channel.id, applied_at=now))
        steps = [_record(adjustment) for adjustment in result]
        steps += guards([line.sku for line in body.lines], [line.location_id for line in body.lines])
        for (sku, location_id, number), units in taken.items():
            seen = read[(sku, location_id)].get(number)
            change = StockChange(sku, location_id, number, on_hand=-units, expect_seq=seen.seq if seen else 0)
            steps.append(Step(change.operation(), "stock"))
        return steps

    replay = run(build, on_replay=lambda: [_replayed(source_id, "sale") for source_id in ids])
    return replay or result
