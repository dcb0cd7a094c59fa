"""Orders' consumers through their EventBridge rules under moto: payments' events, channels' orders,
profiles' attribution — each idempotent on the event and on the order's state."""

import json
import uuid

import pytest

from kernel import table
from orders.dal import orders as orders_table
from orders.handlers import api, attribution, channel_orders, payments_sync
from orders.logic.channel_orders import order_id_of
from support.env import domain_environment
from support.orders import an_order
from support.triggers import Context, call, eventbridge_event


def bus_event(source: str, detail_type: str, data: dict, event_id: str | None = None) -> dict:
    envelope = {"id": event_id or str(uuid.uuid4()), "type": detail_type, "version": 1, "source": source, "time": "2026-11-23T12:30:00Z", "correlation_id": "c-1", "data": data}
    return eventbridge_event({"Source": source, "DetailType": detail_type, "Detail": json.dumps(envelope)})


def placed(**fields):
    order = an_order(**fields)
    table.transact(orders_table.placement(order))
    return order


def marketplace_order(channel_order_id: str = "M-1", fulfilled: bool = False, channel: str = "marketplace") -> dict:
    data = {
        "channel": channel, "channel_kind": "store", "channel_order_id": channel_order_id, "webhook_id": "wh-1", "currency": "EUR",
        "lines": [{"sku": "TEE-S", "quantity": 2, "unit_price": 1000, "location_id": "wh-central"}, {"sku": "MUG", "quantity": 1, "unit_price": 500, "location_id": "paris-rivoli"}],
        "subtotal": 2500, "shipping": 300, "tax": 500, "grand_total": 3300,
        "customer": {"channel_customer_id": "c-9", "email": "ann@example.com", "phone": None}, "fulfilled": fulfilled, "placed_at": "2026-11-23T10:00:00.000000Z",
    }  # fmt: skip
    return bus_event("omni.channels", "ChannelOrderReceived", data)


def test_order_paid_allocates_an_awaiting_order_once(orders):
    order = placed()
    paid = bus_event("omni.payments", "OrderPaid", {"order_id": order.order_id, "amount": 3998, "currency": "EUR", "tenders": ["card"]})
    payments_sync.handler(paid, Context())
    after = orders_table.get(order.order_id)
    assert (after.status, after.paid, after.version) == ("allocated", True, 3)
    payments_sync.handler(paid, Context())  # redelivered
    payments_sync.handler(bus_event("omni.payments", "OrderPaid", {"order_id": order.order_id, "amount": 3998, "currency": "EUR", "tenders": ["card"]}), Context())  # sent again
    assert orders_table.get(order.order_id) == after


def test_a_pay_in_store_order_paid_at_the_counter_only_records_it(orders):
    order = placed(payment="in_store", status="picking")
    payments_sync.handler(bus_event("omni.payments", "OrderPaid", {"order_id": order.order_id, "amount": 3998, "currency": "EUR", "tenders": ["cash"]}), Context())
    after = orders_table.get(order.order_id)
    assert (after.status, after.paid, after.timeline[-1].kind) == ("picking", True, "payment")


@pytest.mark.parametrize(("reason", "policy", "status"), [("expired", "", "cancelled"), ("cancelled", "cancelled,expired", "cancelled"), ("failed", "cancelled,expired", "awaiting_payment"), ("failed", "failed", "cancelled")])
def test_a_failed_payment_cancels_by_the_policy_and_expiry_always(orders, reason, policy, status):
    with domain_environment(orders.table_name, PAYMENT_FAILURES_CANCELLING=policy):
        order = placed()
        event = bus_event("omni.payments", "PaymentFailed", {"order_id": order.order_id, "reason": reason, "at": "2026-11-23T12:40:00.000000Z"})
        payments_sync.handler(event, Context())
        payments_sync.handler(event, Context())
        after = orders_table.get(order.order_id)
        assert after.status == status
        assert [entry.message for entry in after.timeline].count(f"payment {reason}") == 1  # noted once, replay or not


def test_refund_issued_marks_the_refund_and_shows_it_on_the_timeline(orders):
    order = placed(status="allocated", paid=True)
    assert call(api.handler, "POST", f"/v1/ops/orders/{order.order_id}/cancel", operator=True)[0] == 200
    cancelled = orders_table.get(order.order_id)
    assert [(r.refund_id, r.amount, r.issued) for r in cancelled.refunds] == [(f"cancel-{order.order_id}", 3998, False)]
    issued = bus_event("omni.payments", "RefundIssued", {"refund_id": f"cancel-{order.order_id}", "order_id": order.order_id, "amount": 3998, "currency": "EUR", "tenders": []})
    payments_sync.handler(issued, Context())
    payments_sync.handler(issued, Context())
    after = orders_table.get(order.order_id)
    assert after.refunds[0].issued and [entry.kind for entry in after.timeline].count("refund") == 1


def test_a_channel_order_joins_the_book_once_already_paid(orders):
    channel_orders.handler(marketplace_order(), Context())
    channel_orders.handler(marketplace_order(), Context())  # redelivered
    booked = orders_table.get(order_id_of("marketplace", "M-1"))
    assert (booked.origin, booked.payment, booked.paid, booked.status, booked.channel_kind) == ("channel", "prepaid", True, "allocated", "marketplace")  # kind: the registry's
    assert [(f.location_id, f.lines) for f in booked.fulfilments] == [("wh-central", ["1"]), ("paris-rivoli", ["2"])]
    assert sum(line.tax for line in booked.lines) == 500 and booked.totals.grand_total == 3300
    assert len([item for item in orders.items() if item["type"]["S"] == "order"]) == 1


def test_a_fulfilled_channel_order_is_closed_and_a_cancelled_one_cancelled(orders):
    channel_orders.handler(marketplace_order("POS-7", fulfilled=True, channel="pos"), Context())
    assert orders_table.get(order_id_of("pos", "POS-7")).status == "closed"
    channel_orders.handler(marketplace_order("M-2"), Context())
    cancel = bus_event("omni.channels", "ChannelOrderCancelled", {"channel": "marketplace", "channel_order_id": "M-2", "webhook_id": "wh-9", "at": "2026-11-23T11:00:00.000000Z"})
    channel_orders.handler(cancel, Context())
    channel_orders.handler(cancel, Context())
    after = orders_table.get(order_id_of("marketplace", "M-2"))
    assert after.status == "cancelled" and after.refunds == []  # the channel refunds its own order
    channel_orders.handler(bus_event("omni.channels", "ChannelOrderCancelled", {"channel": "pos", "channel_order_id": "POS-7", "webhook_id": "wh-10", "at": "2026-11-23T11:00:00.000000Z"}), Context())
    assert orders_table.get(order_id_of("pos", "POS-7")).status == "closed"  # handed over already: dropped


def test_an_unknown_channel_books_nothing(orders):
    channel_orders.handler(marketplace_order(channel="nobody"), Context())
    assert orders.items() == []


def test_attributed_orders_of_every_channel_appear_in_the_shoppers_list_and_an_older_attribution_never_wins(orders):
    own = placed(customer_id="alice", placed_at="2026-11-20T10:00:00.000000Z")
    channel_orders.handler(marketplace_order("M-5"), Context())
    marketplace = order_id_of("marketplace", "M-5")
    assert [o["order_id"] for o in call(api.handler, "GET", "/v1/me/orders", channel_key="key-web", customer="alice")[1]] == [own.order_id]
    attributed = {"profile_id": "p-1", "order_ids": [own.order_id, marketplace], "customer_ids": ["alice"], "version": 3, "at": "2026-11-23T12:00:00Z"}
    attribution.handler(bus_event("omni.profiles", "OrdersAttributed", attributed), Context())
    listed = call(api.handler, "GET", "/v1/me/orders", channel_key="key-app", customer="alice")[1]
    assert [o["order_id"] for o in listed] == [marketplace, own.order_id]
    assert call(api.handler, "GET", f"/v1/orders/{marketplace}", channel_key="key-web", customer="alice")[0] == 200
    older = {**attributed, "profile_id": "p-old", "version": 2}
    attribution.handler(bus_event("omni.profiles", "OrdersAttributed", older), Context())
    assert orders_table.get(marketplace).profile_id == "p-1"
    assert call(api.handler, "GET", f"/v1/orders/{marketplace}", channel_key="key-web", customer="bob")[0] == 404


def test_an_attribution_naming_an_order_not_booked_yet_is_retried(orders):
    event = bus_event("omni.profiles", "OrdersAttributed", {"profile_id": "p-1", "order_ids": ["not-yet"], "customer_ids": [], "version": 1, "at": "2026-11-23T12:00:00Z"})
    with pytest.raises(LookupError):
        attribution.handler(event, Context())
