"""Adjustments, transfers and sales: stock changes that come with a source event id and are applied
exactly once, in one transaction with their ledger row. Every one of them is spread over the SKU's
shards by the one rule of inventory.logic.spread."""

from __future__ import annotations

from collections import defaultdict

from inventory.dal import adjustments as ledger_rows
from inventory.dal import stock as stock_table
from inventory.logic.atp import allocate
from inventory.logic.ledger import Retry, Step, ensure_known, guards, run, same_request, scope_of
from inventory.logic.spread import Fixed, plan
from inventory.models.stock import Adjustment, AdjustmentIn, AdjustmentKind, SaleIn, StockShard, TransferIn
from kernel import clock, table
from kernel.errors import Conflict, Forbidden, InsufficientStock, Unprocessable
from kernel.settings import Channel

# What identifies a request on its ledger row -> the request field a 409 names when a reused key differs.
_ADJUSTMENT_FIELDS = {"kind": "kind", "sku": "sku", "location_id": "location_id", "quantity": "quantity", "count_version": "count_version"}
_TRANSFER_FIELDS = {"kind": "kind", "sku": "sku", "location_id": "from_location_id", "to_location_id": "to_location_id", "quantity": "quantity"}


def _now_epoch() -> int:
    return int(clock.now().timestamp())


def _stock_steps(operations: list[dict]) -> list[Step]:
    return [Step(operation, "stock") for operation in operations]


def _replayed(scope: str, expected: Adjustment, fields: dict[str, str], **request: object) -> Adjustment | None:
    stored = ledger_rows.rows(scope, [expected.source_event_id]).get(expected.source_event_id)
    if stored is None:
        return None
    same_request(stored, expected.model_dump(mode="json") | request, fields)
    return ledger_rows.adjustment_from(stored)


def adjust(body: AdjustmentIn, channel: Channel | None = None) -> Adjustment:
    """An operator's change (channel None), or a receipt or count a channel (a store's or warehouse's system,
    a Shopify-managed location) reported at a location it serves."""
    if body.kind is AdjustmentKind.count and body.count_version is None:
        raise Unprocessable("a count needs count_version", errors=[{"in": "body", "field": "count_version", "type": "missing"}])
    if body.kind is not AdjustmentKind.count and body.quantity == 0:
        raise Unprocessable("quantity must be greater than 0", errors=[{"in": "body", "field": "quantity", "type": "greater_than"}])
    if channel is not None and (channel.kind == "storefront" or body.kind not in (AdjustmentKind.receipt, AdjustmentKind.count)):
        raise Forbidden(f"channel {channel.id} ({channel.kind}) may not post a {body.kind.value}")
    scope = scope_of(channel)
    counted = {"count_version": body.count_version} if body.kind is AdjustmentKind.count else {}
    adjustment = Adjustment(source_event_id=body.source_event_id, kind=body.kind.value, sku=body.sku, location_id=body.location_id, quantity=body.quantity, applied_at=clock.iso(clock.now()))

    def build() -> list[Step]:
        shards = stock_table.shards(body.sku, body.location_id)
        record = Step(ledger_rows.record(scope, adjustment, _now_epoch(), **counted), "record")
        return [record, *guards([body.sku], [body.location_id], channel), *_stock_steps(_adjustment_plan(body, shards))]

    def refused(items: list[dict]) -> None:
        newer = [item for item in items if item and int(item.get("count_version") or 0) >= (body.count_version or 0)]
        if body.kind is AdjustmentKind.count and newer:
            raise Conflict(f"a newer count ({newer[0]['count_version']}) was applied already", code="stale_count", field="count_version")
        raise Retry

    replay = run(build, refused, on_replay=lambda: _replayed(scope, adjustment, _ADJUSTMENT_FIELDS, **counted), field="quantity")
    return replay or adjustment


def _adjustment_plan(body: AdjustmentIn, shards: list[StockShard]) -> list[dict]:
    sku, location_id, quantity = body.sku, body.location_id, body.quantity
    if body.kind is AdjustmentKind.receipt:
        return plan(sku, location_id, shards, on_hand=quantity)
    if body.kind is AdjustmentKind.count:  # sets on hand; nobody may have moved on hand since we read it
        return plan(sku, location_id, shards, on_hand=quantity - sum(shard.on_hand for shard in shards), count_version=body.count_version, exact_on_hand=True)
    if body.kind is AdjustmentKind.damage:  # damaged units are taken from the fullest shards
        intact = sum(shard.on_hand - shard.unavailable for shard in shards)
        if quantity > intact:  # units must exist to be damaged, or a write-off could take on hand below zero
            raise Conflict(f"damage of {quantity} needs that many units on hand and not unavailable at {location_id} (there are {max(0, intact)})", field="quantity")
        taken = allocate(quantity, {shard.shard: shard.available for shard in shards}) or {0: quantity}
        # on hand as read is part of the check: a sale or commit beside it must make it look again
        return plan(sku, location_id, shards, {shard: Fixed(unavailable=units) for shard, units in taken.items()}, exact_on_hand=True)
    # restore and write-off take unavailable units from the shards that have them
    taken = allocate(quantity, {shard.shard: shard.unavailable for shard in shards})
    if taken is None:
        unavailable = sum(shard.unavailable for shard in shards)
        raise Conflict(f"{body.kind.value} of {quantity} needs that many units unavailable at {location_id} (unavailable {unavailable})", field="quantity")
    leaves = body.kind is AdjustmentKind.write_off
    return plan(sku, location_id, shards, {shard: Fixed(on_hand=-units if leaves else 0, unavailable=-units) for shard, units in taken.items()})


def transfer(body: TransferIn) -> Adjustment:
    if body.from_location_id == body.to_location_id:
        raise Unprocessable("a transfer needs two locations", errors=[{"in": "body", "field": "to_location_id", "type": "same_location"}])
    scope = scope_of(None)
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
        source = stock_table.shards(body.sku, body.from_location_id)
        available = sum(shard.available for shard in source)
        if available < body.quantity:
            ensure_known([body.sku], [body.from_location_id, body.to_location_id])
            raise InsufficientStock(f"only {max(0, available)} available at {body.from_location_id}", field="quantity", available=max(0, available))
        target = stock_table.shards(body.sku, body.to_location_id)
        steps = [Step(ledger_rows.record(scope, adjustment, _now_epoch()), "record"), *guards([body.sku], [body.from_location_id, body.to_location_id])]
        steps += _stock_steps(plan(body.sku, body.from_location_id, source, on_hand=-body.quantity))
        return steps + _stock_steps(plan(body.sku, body.to_location_id, target, on_hand=body.quantity))

    return run(build, on_replay=lambda: _replayed(scope, adjustment, _TRANSFER_FIELDS), field="quantity") or adjustment


def record_sale(channel: Channel, body: SaleIn) -> list[Adjustment]:
    """A sale that already happened is recorded even when stock is short; the shortfall is kept on
    the ledger row of each line, from which the outbox raises OversellDetected. Each line has its own
    ledger row, so a sale too large for one transaction is applied in steps (all lines of one stock row
    together), each exactly once: a retry after a failed step completes the sale."""
    if channel.kind == "storefront":
        raise Forbidden("storefront channels sell through holds, not recorded sales")
    scope = scope_of(channel)
    ids = [f"{body.source_event_id}:{index}" for index in range(len(body.lines))]
    answers = _stored_sale(scope, body, ids, ids)  # the ledger first: a replay is answered before any rule
    pending = [index for index, source_id in enumerate(ids) if source_id not in answers]
    for group in _sale_steps(body, pending):
        applied: list[Adjustment] = []
        replay = run(
            lambda group=group, applied=applied: _sale_step(scope, channel, body, ids, group, applied), on_replay=lambda group=group: _stored_sale(scope, body, ids, [ids[i] for i in group]) or None
        )
        answers.update(replay or {adjustment.source_event_id: adjustment for adjustment in applied})
    return [answers[source_id] for source_id in ids]


def _stored_sale(scope: str, body: SaleIn, ids: list[str], asked: list[str]) -> dict[str, Adjustment]:
    """The stored lines among `asked`, each checked to be the same line of the same sale."""
    stored = ledger_rows.rows(scope, asked)
    for index, source_id in enumerate(ids):
        if source_id in stored:
            line = body.lines[index]
            fields = {"kind": "lines", "lines": "lines", "sku": f"lines.{index}.sku", "location_id": f"lines.{index}.location_id", "quantity": f"lines.{index}.quantity"}
            same_request(stored[source_id], {"kind": "sale", **line.model_dump(), "lines": len(ids)}, fields)
    return {source_id: ledger_rows.adjustment_from(item) for source_id, item in stored.items()}


def _sale_steps(body: SaleIn, pending: list[int]) -> list[list[int]]:
    """The pending lines in groups whose transaction fits: a line's ledger row, the SKU and location
    guards, and for its stock row every shard plus a guard, counted generously."""
    by_row: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index in pending:
        by_row[(body.lines[index].sku, body.lines[index].location_id)].append(index)
    groups: list[list[int]] = [[]]
    size = 0
    for row, indexes in by_row.items():
        cost = len(indexes) + 2 + len(stock_table.shards(*row)) + 1
        if groups[-1] and size + cost > table.MAX_TRANSACTION_ITEMS:
            groups.append([])
            size = 0
        groups[-1] += indexes
        size += cost
    return [group for group in groups if group]


def _sale_step(scope: str, channel: Channel, body: SaleIn, ids: list[str], group: list[int], applied: list[Adjustment]) -> list[Step]:
    applied.clear()
    lines = [body.lines[index] for index in group]
    rows = list(dict.fromkeys((line.sku, line.location_id) for line in lines))
    read = {row: stock_table.shards(*row) for row in rows}
    free = {row: max(0, sum(shard.available for shard in shards)) for row, shards in read.items()}
    sold: dict[tuple[str, str], int] = defaultdict(int)
    now = clock.iso(clock.now())
    for index, line in zip(group, lines, strict=True):
        row = (line.sku, line.location_id)
        covered = min(line.quantity, free[row])
        free[row] -= covered
        sold[row] += line.quantity
        applied.append(
            Adjustment(
                source_event_id=ids[index], kind="sale", sku=line.sku, location_id=line.location_id, quantity=line.quantity, shortfall=line.quantity - covered, channel=channel.id, applied_at=now
            )
        )
    steps = [Step(ledger_rows.record(scope, adjustment, _now_epoch(), lines=len(ids)), "record") for adjustment in applied]
    steps += guards([line.sku for line in lines], [line.location_id for line in lines], channel)
    for row in rows:
        steps += _stock_steps(plan(*row, read[row], on_hand=-sold[row]))
    return steps
