"""Profiles' events through orders' EventBridge rules under moto. ProfileErased: the person's orders keep
their figures and lose every personal field, their cart goes, and neither a redelivery nor a replay of the
archive brings anything back. Merges and unmerges: the shopper's history follows them, a late replay never."""

import json
import uuid

import pytest

from kernel import table
from orders.dal import carts
from orders.dal import orders as orders_table
from orders.handlers import api, attribution, channel_orders, privacy
from orders.logic.channel_orders import order_id_of
from orders.models.cart import StoredCart, StoredLine
from orders.models.order import Contact, ShippingAddress
from support.orders import an_order
from support.triggers import Context, call, eventbridge_event

PERSONAL = ("ann@example.com", "+33612345678", "alice", "Ann Lee", "1 Rue de Rivoli", "75001", "Ask for Ann")


def bus_event(source: str, detail_type: str, data: dict, event_id: str | None = None) -> dict:
    envelope = {"id": event_id or str(uuid.uuid4()), "type": detail_type, "version": 1, "source": source, "time": "2026-11-23T12:30:00Z", "correlation_id": "c-1", "data": data}
    return eventbridge_event({"Source": source, "DetailType": detail_type, "Detail": json.dumps(envelope)})


def marketplace_order(channel_order_id: str) -> dict:
    data = {
        "channel": "marketplace", "channel_kind": "marketplace", "channel_order_id": channel_order_id, "webhook_id": "wh-1", "currency": "EUR",
        "lines": [{"sku": "TEE-S", "quantity": 2, "unit_price": 1400, "location_id": "wh-central"}], "subtotal": 2800, "shipping": 300, "tax": 200,
        "grand_total": 3300, "customer": {"channel_customer_id": "c-9", "email": "ann@example.com"}, "fulfilled": False, "placed_at": "2026-11-23T10:00:00.000000Z",
    }  # fmt: skip
    return bus_event("omni.channels", "ChannelOrderReceived", data)


def placed(**fields):
    order = an_order(**fields)
    table.transact(orders_table.placement(order))
    return order


def erased(order_ids=(), customer_ids=("alice",)) -> dict:
    data = {"profile_id": "p-ann", "order_ids": list(order_ids), "customer_ids": list(customer_ids), "at": "2026-11-25T09:00:00.000000Z"}
    return bus_event("omni.profiles", "ProfileErased", data, event_id="ev-erase-1")


@pytest.fixture
def anns_orders(orders):
    """Ann's web order (contact, address, an operator's note naming her), her marketplace order (email) attributed
    to her profile, her cart; and Bob's order, which must not change."""
    own = placed(customer_id="alice", contact=Contact(email="ann@example.com", phone="+33612345678"))
    own = own.model_copy(update={"address": ShippingAddress(name="Ann Lee", line1="1 Rue de Rivoli", city="Paris", postcode="75001", country="FR")})
    noted = own.timeline[0].model_copy(update={"kind": "note", "message": "Ask for Ann at the counter"})
    table.transact(orders_table.change(orders_table.get(own.order_id), own.model_copy(update={"timeline": [*own.timeline, noted], "version": 2})))
    channel_orders.handler(marketplace_order("M-ann"), Context())
    marketplace = order_id_of("marketplace", "M-ann")
    attributed = {"profile_id": "p-ann", "order_ids": [marketplace], "customer_ids": ["alice"], "version": 1, "at": "2026-11-23T12:00:00Z"}
    attribution.handler(bus_event("omni.profiles", "OrdersAttributed", attributed), Context())
    assert carts.save(
        StoredCart(cart_id="me", customer_id="alice"), StoredCart(cart_id="me", customer_id="alice", lines=[StoredLine(sku="MUG", quantity=1, added_at="2026-11-24")], version=1), 1795420800
    )
    bob = placed(customer_id="bob", contact=Contact(email="bob@example.com"))
    return own, marketplace, bob


def test_an_erased_persons_orders_keep_their_figures_and_lose_every_personal_field(orders, anns_orders):
    own, marketplace, bob = anns_orders
    assert "ann@example.com" in json.dumps(orders.items())
    privacy.handler(erased(), Context())  # the marketplace order is found through the profile's attribution
    everything = json.dumps(orders.items())
    for personal in PERSONAL:
        assert personal not in everything, personal
    after = orders_table.get(own.order_id)
    assert (after.lines, after.totals, after.status, after.profile_id) == (own.lines, own.totals, own.status, own.profile_id)
    assert [(entry.kind, entry.status) for entry in after.timeline] == [("status", "awaiting_payment"), ("note", "awaiting_payment"), ("privacy", None)]
    assert orders_table.get(marketplace).totals.grand_total == 3300 and orders_table.get(marketplace).contact == Contact()
    assert orders_table.get(bob.order_id) == bob
    assert carts.get(carts.keys.shopper_cart("alice"), "me", "alice").lines == []


def test_a_redelivered_erasure_and_a_replayed_archive_change_nothing(orders, anns_orders):
    privacy.handler(erased(), Context())
    before = orders.items()
    privacy.handler(erased(), Context())  # redelivered
    channel_orders.handler(marketplace_order("M-ann"), Context())  # the archive replayed: the channel's order again
    assert orders.items() == before


def test_an_erasure_naming_an_order_not_booked_yet_is_retried_and_erases_it_then(orders, anns_orders):
    late = order_id_of("marketplace", "M-late")
    with pytest.raises(LookupError):
        privacy.handler(erased(order_ids=[late]), Context())
    assert "Ann Lee" not in json.dumps(orders.items())  # the others are done already
    channel_orders.handler(marketplace_order("M-late"), Context())
    privacy.handler(erased(order_ids=[late]), Context())  # EventBridge's retry
    assert orders_table.get(late).contact == Contact()


def test_a_merge_then_an_unmerge_re_point_the_shoppers_history_and_a_late_replay_changes_nothing(orders):
    """ProfilesMerged and ProfileUnmerged reach orders as OrdersAttributed of every profile they touch, with the
    graph's growing version: that one mechanism re-points orders both ways (decision 62)."""
    own = placed(customer_id="alice", placed_at="2026-11-20T10:00:00.000000Z")
    channel_orders.handler(marketplace_order("M-pos"), Context())
    pos = order_id_of("marketplace", "M-pos")

    def attributed(profile_id, order_ids, customers, version):
        data = {"profile_id": profile_id, "order_ids": order_ids, "customer_ids": customers, "version": version, "at": "2026-11-23T12:00:00Z"}
        attribution.handler(bus_event("omni.profiles", "OrdersAttributed", data), Context())

    def history():
        return [order["order_id"] for order in call(api.handler, "GET", "/v1/me/orders", channel_key="key-web", customer="alice")[1]]

    attributed("p-alice", [own.order_id], ["alice"], 1)
    attributed("p-pos", [pos], [], 1)
    assert history() == [own.order_id]
    attributed("p-alice", [own.order_id, pos], ["alice"], 2)  # merged: p-pos into p-alice
    assert history() == [pos, own.order_id]
    attributed("p-alice", [own.order_id], ["alice"], 3)  # unmerged
    attributed("p-pos", [pos], [], 3)
    assert history() == [own.order_id]
    before = orders.items()
    attributed("p-alice", [own.order_id, pos], ["alice"], 2)  # the merge's attribution, replayed late
    assert orders.items() == before and history() == [own.order_id]
