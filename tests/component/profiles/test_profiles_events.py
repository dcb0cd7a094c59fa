"""What other domains' events do to profiles, through their EventBridge events (the consumer handler),
and what the outbox publishes from the stream: idempotent, order-tolerant, points counted once."""

from __future__ import annotations

import pytest

from profiles.dal import orders
from profiles.handlers import api
from profiles.logic.loyalty import NotYetKnown
from support.profiles import channel_order, deliver, order_paid, order_placed, published, refund_issued, return_received, status_changed
from support.triggers import call


def view_of(sub: str) -> dict:
    return call(api.handler, "GET", "/v1/me", channel_key="key-web", customer=sub)[1]


def test_a_return_and_the_refund_it_causes_reverse_points_once(profiles):
    deliver(order_placed("o-1", customer_id="sub-ann", total=5000))  # two tees at 25.00
    deliver(order_paid("o-1", 5000))
    deliver(return_received("ret-1", "o-1", received=1))
    deliver(refund_issued("ret-1", "o-1", 2500))  # refund_id is the return_id: the same reversal
    deliver(return_received("ret-1", "o-1", received=1))  # redelivered
    assert view_of("sub-ann")["loyalty"]["balance"] == 25
    deliver(refund_issued("cancel-o-1", "o-1", 9999))  # never more than the order earned
    assert view_of("sub-ann")["loyalty"]["balance"] == 0
    kinds = [(event.TYPE, event.points) for event in published(profiles) if event.TYPE.startswith("Points")]
    assert kinds == [("PointsEarned", 50), ("PointsReversed", -25), ("PointsReversed", -25)]


def test_a_cancelled_order_gives_back_the_points_redeemed_on_it_once_and_takes_no_more(profiles):
    shopper = {"channel_key": "key-web", "customer": "sub-ann"}
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com"}, **shopper)
    deliver(order_placed("o-1", customer_id="sub-ann", total=5000))
    deliver(order_paid("o-1", 5000))
    deliver(order_placed("o-2", customer_id="sub-ann", total=3000))
    assert call(api.handler, "POST", "/v1/me/points/redemptions", {"redemption_id": "r-1", "order_id": "o-2", "points": 30}, **shopper)[0] == 201
    assert view_of("sub-ann")["loyalty"]["balance"] == 20
    deliver(status_changed("o-2", "cancelled", 3, total=3000))
    deliver(status_changed("o-2", "cancelled", 3, total=3000))  # redelivered
    assert view_of("sub-ann")["loyalty"]["balance"] == 50
    late = call(api.handler, "POST", "/v1/me/points/redemptions", {"redemption_id": "r-2", "order_id": "o-2", "points": 10}, **shopper)
    assert late[0] == 409 and late[1]["code"] == "order_cancelled"
    deliver(status_changed("o-1", "cancelled", 4))  # a paid order: its refund takes back what it earned
    deliver(refund_issued("cancel-o-1", "o-1", 5000))
    assert view_of("sub-ann")["loyalty"]["balance"] == 0
    kinds = [(event.TYPE, event.points) for event in published(profiles) if event.TYPE.startswith("Points")]
    assert kinds == [("PointsEarned", 50), ("PointsRedeemed", -30), ("PointsGivenBack", 30), ("PointsReversed", -50)]


def test_payment_before_the_order_is_known_is_retried_and_paid_status_and_order_paid_earn_once(profiles):
    with pytest.raises(NotYetKnown):
        deliver(order_paid("o-1", 5000))
    deliver(order_placed("o-1", customer_id="sub-ann", total=5000))
    deliver(status_changed("o-1", "paid", 2))
    deliver(order_paid("o-1", 5000))
    deliver(order_paid("o-1", 5000))
    assert view_of("sub-ann")["loyalty"]["balance"] == 50


def test_statuses_keep_the_highest_version_whatever_the_order(profiles):
    deliver(order_placed("o-1", customer_id="sub-ann"))
    deliver(status_changed("o-1", "shipped", 4))
    deliver(status_changed("o-1", "paid", 2))  # late
    deliver(order_placed("o-1", customer_id="sub-ann"))  # replayed: does not reset the status
    assert orders.get("o-1")["status"] == "shipped"


def test_a_prepaid_channel_order_earns_at_once_and_joins_the_marketplace_buyer(profiles):
    deliver(channel_order("MP-1", channel_customer_id="buyer-9", email="ann@example.com"))
    deliver(order_placed("o-mp", channel="marketplace", channel_kind="marketplace", origin="channel", channel_order_id="MP-1", payment="prepaid", total=2500))
    deliver(order_placed("o-web", customer_id="sub-ann", email="ann@example.com", total=1000))
    view = view_of("sub-ann")
    assert {order["order_id"] for order in view["orders"]} == {"o-mp", "o-web"}
    assert view["loyalty"]["balance"] == 25  # o-web is not paid yet
    assert {"type": "channel_customer", "value": "marketplace:buyer-9"} in view["identifiers"]


def test_a_marketplace_buyers_name_tells_the_till_whose_a_shared_family_phone_is(profiles):
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "marie@example.com", "phone": "+33612345678", "name": "Marie Dupont"}, channel_key="key-web", customer="sub-marie")
    deliver(channel_order("MP-1", channel_customer_id="buyer-9", email="lucas@example.com", phone="+33612345678", name="DUPONT Lucas"))
    status, till = call(api.handler, "POST", "/v1/identify", {"identifiers": {"phone": "06 12 34 56 78"}, "name": "Lucas Dupont"}, channel_key="key-pos")
    assert status == 200 and till["profile_id"] != view_of("sub-marie")["profile_id"]
    lucas = call(api.handler, "GET", f"/v1/profiles/{till['profile_id']}", operator=True)[1]
    assert {"type": "channel_customer", "value": "marketplace:buyer-9"} in lucas["identifiers"] and lucas["fields"]["name"] == "Lucas Dupont"


def test_orders_attributed_names_the_orders_and_accounts_that_came_to_the_profile_with_a_growing_version(profiles):
    """Not the whole history again with every order: a loyal shopper's next order re-writes one order (decision 76)."""
    deliver(order_placed("o-1", email="ann@example.com"))
    deliver(order_placed("o-2", customer_id="sub-ann", email="ann@example.com", placed_at="2026-11-21T10:00:00Z"))
    attributed = [event for event in published(profiles) if event.TYPE == "OrdersAttributed"]
    assert [(event.order_ids, event.customer_ids) for event in attributed] == [(["o-1"], []), (["o-2"], ["sub-ann"])]
    assert attributed[0].version < attributed[1].version and attributed[0].profile_id == attributed[1].profile_id


def test_replayed_and_out_of_order_order_events_give_the_same_profiles(profiles):
    events = [
        order_placed("o-1", email="ann@example.com", placed_at="2026-11-03T10:00:00Z"),
        order_placed("o-2", email="ann@example.com", phone="+33612345678", placed_at="2026-11-01T10:00:00Z"),
        order_placed("o-3", phone="+33612345678", channel="pos", channel_kind="store", placed_at="2026-11-02T10:00:00Z"),
    ]
    for event in [events[2], events[0], events[2], events[1], events[0]]:
        deliver(event)
    profile_ids = {call(api.handler, "POST", "/v1/identify", {"identifiers": {"email": "ann@example.com"}}, channel_key="key-pos")[1]["profile_id"]}
    status, view = call(api.handler, "GET", f"/v1/profiles/{profile_ids.pop()}", operator=True)
    assert status == 200 and {order["order_id"] for order in view["orders"]} == {"o-1", "o-2", "o-3"}
