"""What payments does with orders' events: keep its own copy of each order, follow its status, refund.

Idempotent on the event's business key: an order is recorded once (OrderPlaced), a status only over an
older one (its `version`), a refund once per refund_id. Reactions act on the state they find, so a
redelivered or late event repeats nothing and a failed capture is retried with the event.
"""

from __future__ import annotations

from datetime import datetime

from kernel import clock
from kernel.errors import IdempotencyKeyReused, NotFound, Unprocessable
from kernel.observability import logger, metrics
from orders.models.events import OrderPlaced, OrderStatusChanged, RefundRequested
from payments.dal import payments as store
from payments.logic import settlement
from payments.logic.ledger import Alert, Order


def _iso(moment: str | None) -> str | None:
    """Contract times are ISO 8601; the deadline index compares Omni's own sortable form."""
    return clock.iso(datetime.fromisoformat(moment.replace("Z", "+00:00"))) if moment else None


def order_placed(event: OrderPlaced) -> None:
    order = Order(
        order_id=event.order_id,
        channel=event.channel,
        currency=event.currency.upper(),
        grand_total=event.grand_total,
        payment=event.payment,
        customer_id=event.customer_id,
        pay_by=_iso(event.pay_by) if event.payment == "online" else None,
        placed_at=event.placed_at,
    )
    store.record_order(order)


def status_changed(event: OrderStatusChanged) -> None:
    if not store.record_status(event.order_id, event.to_status, event.version) and store.read(event.order_id) is None:
        raise NotFound(f"order {event.order_id} is not known yet", field="order_id")  # OrderPlaced still on its way: retried
    settlement.follow_status(event.order_id)


def refund_requested(event: RefundRequested) -> None:
    try:
        settlement.refund(event.order_id, event.refund_id, event.amount, event.currency.upper(), event.reason)
    except (Unprocessable, IdempotencyKeyReused) as refused:  # retrying the same request never helps
        logger.warning("refund refused: dropped", extra={"refund_id": event.refund_id, "code": refused.code})
        metrics.add_metric(name="RefundsRefused", unit="Count", value=1)
        store.record_alerts(event.order_id, [Alert(refused.code, "omni", event.refund_id, refused.detail)], clock.iso(clock.now()))
