"""Orders as tests build them: a placed order with sensible defaults, any field overridden."""

from __future__ import annotations

import uuid

from orders.models.order import (
    Delivery,
    DeliveryMode,
    Fulfilment,
    FulfilmentKind,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMode,
    TimelineEntry,
    Totals,
)

PLACED_AT = "2026-11-23T12:00:00.000000Z"


def an_order(**fields) -> Order:
    order_id = fields.pop("order_id", uuid.uuid4().hex)
    line = OrderLine(line="1", sku="TEE-ORG-S", quantity=2, unit_price=1999, line_total=3998, tax=666, location_id="paris-rivoli", fulfilment_id="F1")
    values = {
        "order_id": order_id,
        "number": "W-" + order_id[:6].upper(),
        "channel": "web",
        "channel_kind": "storefront",
        "customer_id": "alice",
        "status": OrderStatus.awaiting_payment,
        "delivery_mode": DeliveryMode.pickup,
        "delivery": Delivery.pickup,
        "payment": PaymentMode.online,
        "pickup_location_id": "paris-rivoli",
        "lines": [line],
        "fulfilments": [Fulfilment(fulfilment_id="F1", location_id="paris-rivoli", kind=FulfilmentKind.pickup, lines=["1"])],
        "totals": Totals(currency="EUR", subtotal=3998, shipping=0, tax=666, grand_total=3998, tax_inclusive=True),
        "timeline": [TimelineEntry(at=PLACED_AT, kind="status", status=OrderStatus.awaiting_payment, message="placed")],
        "placed_at": PLACED_AT,
        "updated_at": PLACED_AT,
    }
    return Order(**(values | fields))


def place_with_holds(order: Order, *, inventory_table: str, orders_table: str, endpoint: str | None = None, recorded: bool = True) -> Order:
    """Write an order and its hard holds the way checkout does (holds with reference = the order id, in the
    order's channel; each line recording its hold), for fulfilment tests and the bench (two writes here; one
    transaction in checkout). `recorded=False`: an order placed before lines recorded their holds."""
    from inventory.logic import holds
    from inventory.models.holds import HoldLineIn, HoldState, ReserveIn
    from kernel import table
    from kernel.settings import Channel
    from orders.dal import orders as orders_dal
    from support.env import domain_environment

    lines = [HoldLineIn(line=line.line, sku=line.sku, location_id=line.location_id, quantity=line.quantity) for line in order.lines]
    with domain_environment(inventory_table, endpoint):
        placed = holds.reserve(Channel(id=order.channel, kind=order.channel_kind), ReserveIn(reference=order.order_id, lines=lines, hold=HoldState.hard))
    if recorded:
        from orders.dal import stock

        order = stock.recorded(order, placed.holds)
    with domain_environment(orders_table, endpoint):
        table.transact(orders_dal.placement(order))
    return order
