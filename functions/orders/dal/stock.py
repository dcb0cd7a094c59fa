"""The one place orders gets inventory's hold operations, to write them in the transaction of an order's change.

Inventory owns the holds (reference = the order id, in the order's channel's scope, placed by checkout)
and builds their moves behind its public interface, `inventory.logic.for_orders`; orders only composes
them (decision 32). Callers use `operations_for`, and, to re-source lines, `stock_for` and `reserve`.

Each order line records its hold (`OrderLine.hold`: key, identity, shards), written by the same transactions
that place and move the hold, so a step builds the moves from the order it read: read the order, then one
transaction (decision 73). The hold's state follows from its fulfilment's; the moves stay guarded by the
hold's identity and state, so a copy that disagreed with the table would fail the transaction, never move
stock twice; `changes.change` then reads the holds themselves (`reading_holds`), as it does for orders
placed before lines recorded their holds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from datetime import datetime

from inventory.logic import for_orders
from kernel import table
from orders.models.order import FulfilmentStatus, LineHold, Order, OrderLine, Origin

Stock = for_orders.Stock
HoldState = for_orders.HoldState
COMMIT, RELEASE, RESTOCK = "commit", "release", "restock"
_ACTIVE = frozenset({HoldState.soft, HoldState.hard})
# action -> (inventory's move, the hold states it moves): a restock puts committed units back on hand
_MOVES = {COMMIT: (for_orders.commit, _ACTIVE), RELEASE: (for_orders.release, _ACTIVE), RESTOCK: (for_orders.restock, frozenset({HoldState.committed}))}
# A line's hold, by its fulfilment's status: held until picked or shipped, committed since, released when cancelled.
_HOLD_STATE = {FulfilmentStatus.pending: HoldState.hard, FulfilmentStatus.picking: HoldState.hard, FulfilmentStatus.cancelled: HoldState.released}
_read_holds: ContextVar[bool] = ContextVar("read_holds", default=False)


@contextlib.contextmanager
def reading_holds() -> Iterator[None]:
    """Within: the holds are read from inventory's table (one query), not taken from the order's lines."""
    token = _read_holds.set(True)
    try:
        yield
    finally:
        _read_holds.reset(token)


def holds_of(order: Order) -> dict[str, for_orders.Hold]:
    """The order's holds by order line: from the lines' records, or (an older order, or `reading_holds`) read."""
    if not _read_holds.get() and all(line.hold for line in order.lines):
        status = {f.fulfilment_id: f.status for f in order.fulfilments}
        return {line.line: _recorded(order, line, _HOLD_STATE.get(status.get(line.fulfilment_id), HoldState.committed)) for line in order.lines}
    found = for_orders.holds_of(order.channel, order.order_id)
    located = {line.line: line.location_id for line in order.lines}
    return {hold.line: hold for hold in found if located.get(hold.line) == hold.location_id}  # a re-sourced line: its hold where it is now


def _recorded(order: Order, line: OrderLine, state: HoldState) -> for_orders.Hold:
    hold = line.hold
    at = order.placed_at
    return for_orders.Hold(
        hold_id=hold.hold_id, reference=hold.reference, line=hold.line, sku=line.sku, location_id=hold.location_id, quantity=line.quantity,
        shards=hold.shards, state=state, channel=hold.channel, created_at=at, updated_at=at,
    )  # fmt: skip


def operations_for(order: Order, moves: dict[str, Iterable[str]], moment: datetime | None = None) -> list[dict]:
    """Inventory's operations that move the order's holds of the lines named per action (commit or release
    the active ones, restock the committed ones), each guarded by the hold's identity and state, so a second
    writer's transaction fails instead of moving stock twice. Orders from other channels have no holds:
    inventory took their stock as a recorded sale."""
    if order.origin is Origin.channel or not any(moves.values()):
        return []
    found = holds_of(order)
    operations = []
    for action, lines in moves.items():
        move, states = _MOVES[action]
        moving = [found[line] for line in dict.fromkeys(lines) if line in found and found[line].state in states]
        operations += move(moving, moment).operations if moving else []
    return operations


def stock_for(skus: Iterable[str], also: Callable[[list[str]], list[dict]] = lambda sites: []) -> tuple[Stock, list[dict]]:
    """What inventory has of these SKUs at every location (the candidates of a re-sourcing), and the items of
    orders' own table `also` names for those locations (today's capacity counters), in one batched read."""
    sites = for_orders.location_ids()
    found = table.batch_get({for_orders.TABLE: for_orders.keys(list(skus), sites), table.OWN: also(sites)})
    return for_orders.Stock.read(found[for_orders.TABLE]), found[table.OWN]


def reserve(order: Order, placed: Iterable[tuple[str, str, str, int]], stock: Stock, moment: datetime | None = None) -> for_orders.Reservation:
    """Hard holds of the order's lines at the locations chosen ((line, sku, location, quantity) each), built by
    inventory's own reservation: the hold rows, their stock rows guarded by `available >= units` (never
    oversold), each location serving the channel (one guard per location)."""
    wanted = [for_orders.HoldLineIn(line=line, sku=sku, location_id=location_id, quantity=quantity) for line, sku, location_id, quantity in placed]
    return for_orders.reserve(order.channel, order.order_id, wanted, stock, moment=moment)


def recorded(order: Order, holds: Iterable[for_orders.Hold]) -> Order:
    """The order with its lines recording the holds just placed for them (by order line)."""
    placed = {hold.line: LineHold(channel=hold.channel, reference=hold.reference, line=hold.line, location_id=hold.location_id, hold_id=hold.hold_id, shards=hold.shards) for hold in holds}
    return order.model_copy(update={"lines": [line.model_copy(update={"hold": placed[line.line]}) if line.line in placed else line for line in order.lines]})
