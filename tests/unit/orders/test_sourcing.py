"""The sourcing pipeline, pure: filter, rank, explain."""

import pytest

from kernel.errors import InsufficientStock
from orders.logic.sourcing import Candidate, Want, distance_km, source
from orders.models.order import Delivery, DeliveryMode

PARIS = (48.857, 2.355)


def _site(location_id, kind="store", at=(48.86, 2.35), stock=None, capabilities=("pickup", "ship_from_store"), **fields):
    return Candidate(location_id=location_id, kind=kind, capabilities=frozenset(capabilities), serves=fields.pop("serves", True), coordinates=at, available=stock or {}, **fields)


WH = dict(kind="warehouse", capabilities=("ship",))
TWO = [Want("1", "TEE", 2), Want("2", "MUG", 1)]


def test_fewest_shipments_beats_distance():
    near = _site("near", stock={"TEE": 5})  # 0 km, but only the tees
    far = _site("far", at=(45.76, 4.84), stock={"TEE": 5, "MUG": 5}, **WH)  # Lyon, has everything
    plan = source(TWO, [near, far], channel="web", mode=DeliveryMode.ship, destination=PARIS)
    assert plan.shipments == {"far": ["1", "2"]} and plan.delivery is Delivery.ship
    assert plan.sourcing.explanation == ["far: chosen, 3 of 3 units (392 km)", "near: skipped, 0 km"]


def test_nearest_then_priority_among_equals():
    lyon = _site("lyon", at=(45.76, 4.84), stock={"TEE": 5})
    paris = _site("paris", stock={"TEE": 5})
    assert source(TWO[:1], [lyon, paris], channel="web", mode=DeliveryMode.ship, destination=PARIS).shipments == {"paris": ["1"]}
    a, b = _site("a", at=None, stock={"TEE": 5}), _site("b", at=None, stock={"TEE": 5}, priority=5)
    assert source(TWO[:1], [a, b], channel="web", mode=DeliveryMode.ship).shipments == {"b": ["1"]}


def test_a_split_is_capped_and_lines_nobody_can_take_are_named():
    tees, mugs = _site("tees", stock={"TEE": 5}), _site("mugs", stock={"MUG": 5})
    plan = source(TWO, [tees, mugs], channel="web", mode=DeliveryMode.ship, destination=PARIS)
    assert plan.delivery is Delivery.split and set(plan.shipments) == {"tees", "mugs"}
    with pytest.raises(InsufficientStock) as short:
        source(TWO, [tees, mugs], channel="web", mode=DeliveryMode.ship, max_shipments=1)
    assert [line["sku"] for line in short.value.extra["lines"]] == ["MUG"]


def test_filters_explain_every_location_they_skip():
    sites = [
        _site("closed", open=False, stock={"TEE": 9}),
        _site("elsewhere", serves=False, stock={"TEE": 9}),
        _site("full", capacity_left=0, stock={"TEE": 9}),
        _site("empty", stock={"TEE": 1}),
        _site("pickup-only", capabilities=("pickup",), stock={"TEE": 9}),
        _site("ok", at=None, stock={"TEE": 9}),
    ]
    plan = source(TWO[:1], sites, channel="web", mode=DeliveryMode.ship)
    assert plan.sourcing.explanation == [
        "ok: chosen, 2 of 2 units",
        "closed: skipped, closed",
        "elsewhere: skipped, does not serve web",
        "empty: skipped, no stock",
        "full: skipped, no capacity left today",
        "pickup-only: skipped, does not ship",
    ]


def test_pickup_looks_at_the_chosen_store_only():
    store, other = _site("store", stock={"TEE": 2}), _site("other", stock={"TEE": 9})
    plan = source(TWO[:1], [store, other], channel="web", mode=DeliveryMode.pickup, pickup_location_id="store")
    assert plan.sourcing.explanation == ["store: chosen pickup store, 2 of 2 units"] and plan.delivery is Delivery.pickup
    with pytest.raises(InsufficientStock):
        source([Want("1", "TEE", 3)], [store, other], channel="web", mode=DeliveryMode.pickup, pickup_location_id="store")


def test_resourcing_excludes_the_locations_that_refused():
    a, b = _site("a", stock={"TEE": 5}), _site("b", at=(45.76, 4.84), stock={"TEE": 5})
    plan = source(TWO[:1], [a, b], channel="web", mode=DeliveryMode.ship, destination=PARIS, exclude=frozenset({"a"}))
    assert plan.shipments == {"b": ["1"]} and "a: refused these lines before" in plan.sourcing.explanation


def test_distance():
    assert round(distance_km(PARIS, (45.76, 4.84))) == 392


def test_re_sourcing_a_pickup_names_no_store_and_takes_the_nearest_other_pickup_store():
    refused = _site("refused", stock={"TEE": 9})
    near, far = _site("near", at=(48.85, 2.30), stock={"TEE": 2}), _site("far", at=(45.76, 4.84), stock={"TEE": 9})
    plan = source(TWO[:1], [refused, near, far], channel="web", mode=DeliveryMode.pickup, destination=PARIS, exclude=frozenset({"refused"}))
    assert plan.shipments == {"near": ["1"]} and plan.sourcing.explanation[0].startswith("near: chosen pickup store")


def test_re_sourcing_joins_a_shipment_the_order_has_before_opening_a_nearer_one_and_counts_those_it_keeps():
    near = _site("near", stock={"TEE": 5})  # 0 km: a new shipment
    joined = _site("joined", at=(45.76, 4.84), stock={"TEE": 5})  # Lyon, but the order ships from there already
    plan = source(TWO[:1], [near, joined], channel="web", mode=DeliveryMode.ship, destination=PARIS, max_shipments=3, kept=1, joinable=frozenset({"joined"}))
    assert plan.shipments == {"joined": ["1"]}
    with pytest.raises(InsufficientStock):  # two kept, at most two: no new shipment, and none to join
        source(TWO[:1], [near], channel="web", mode=DeliveryMode.ship, destination=PARIS, max_shipments=2, kept=2)
