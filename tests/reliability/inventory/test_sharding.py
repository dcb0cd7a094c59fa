"""PUT /v1/skus/{sku}/sharding on DynamoDB Local: repeated, raced or interrupted, a split ends with every
location's rows split once, its units preserved, and no caller ever sees anything but a clear answer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from inventory.dal import skus
from inventory.dal import stock as stock_table
from inventory.logic import holds, planning
from inventory.models.holds import ReserveIn
from kernel.errors import DomainError
from support.inventory import WEB, assert_ledger_matches_counters, location, stock

LOCATIONS = {"store-a": 41, "store-b": 12}


@pytest.fixture
def hot(inventory_db):
    for location_id in LOCATIONS:
        location(location_id)
    for location_id, units in LOCATIONS.items():
        stock("HOT", location_id, units)
    return "HOT"


def rows_by_location(sku: str) -> dict[str, dict[int, int]]:
    found: dict[str, dict[int, int]] = {}
    for row in stock_table.rows_of(sku):
        found.setdefault(row.location_id, {})[row.shard] = row.on_hand
    return found


def assert_split_once(sku: str, shards: int) -> None:
    assert int(skus.get(sku)["shards"]) == shards
    for location_id, rows in rows_by_location(sku).items():
        assert sorted(rows) == list(range(shards)), location_id
        assert sum(rows.values()) == LOCATIONS[location_id], location_id
    assert_ledger_matches_counters()


def test_repeated_and_concurrent_calls_split_each_location_once_and_answer_clearly(hot):
    def call(shards: int) -> str:
        try:
            planning.set_shards(hot, shards)
            return "ok"
        except DomainError as error:  # a clear 4xx; anything else would be a 500
            return f"{error.status}"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(call, [4] * 12))
    assert set(answers) <= {"ok", "409"} and "ok" in answers, answers
    assert_split_once(hot, 4)
    assert call(4) == "ok"  # a repeat changes nothing
    assert_split_once(hot, 4)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(call, [6, 5] * 6))  # whichever lands first: the other is 422 or ok
    assert set(answers) <= {"ok", "409", "422"}, answers
    assert_split_once(hot, int(skus.get(hot)["shards"]))


def test_a_crash_after_the_config_write_is_finished_by_the_next_call_and_never_oversells(hot, monkeypatch):
    real_run = planning.run
    calls = {"n": 0}

    def crash_on_second_location(build, **options):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the function timed out")
        return real_run(build, **options)

    monkeypatch.setattr(planning, "run", crash_on_second_location)
    with pytest.raises(RuntimeError):
        planning.set_shards(hot, 4)
    monkeypatch.setattr(planning, "run", real_run)
    assert int(skus.get(hot)["shards"]) == 4
    split = rows_by_location(hot)
    assert sorted(split["store-a"]) == [0, 1, 2, 3] and sorted(split["store-b"]) == [0], split  # half-split

    # Half-split, a reservation of everything store-b has still succeeds once and never more.
    assert holds.reserve(WEB, ReserveIn(reference="cart-b", lines=[{"line": "1", "sku": hot, "location_id": "store-b", "quantity": 12}]))
    with pytest.raises(DomainError):
        holds.reserve(WEB, ReserveIn(reference="cart-b2", lines=[{"line": "1", "sku": hot, "location_id": "store-b", "quantity": 1}]))

    planning.set_shards(hot, 4)  # the operator repeats the call: it finishes the split
    split = rows_by_location(hot)
    assert all(sorted(rows) == [0, 1, 2, 3] for rows in split.values()), split
    assert {location_id: sum(rows.values()) for location_id, rows in split.items()} == LOCATIONS
    assert_ledger_matches_counters()


def test_splitting_while_shoppers_reserve_sells_exactly_the_stock_and_a_repeat_finishes_the_split(hot):
    """Shoppers reserve single units on every shard while the SKU is split to 4, then 8: each call
    either finishes or answers 409 (contention), nothing is sold twice, and a repeat completes it."""

    def split(shards: int) -> str:
        try:
            planning.set_shards(hot, shards)
            return "ok"
        except DomainError as error:
            return f"{error.status}"

    def shop(n: int) -> bool:
        if n == 20:
            return split(4)
        if n == 60:
            return split(8)
        try:
            holds.reserve(WEB, ReserveIn(reference=f"cart-{n}", lines=[{"line": "1", "sku": hot, "location_id": "store-a", "quantity": 1}]))
            return True
        except DomainError:
            return False

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(shop, range(120)))
    assert {answers[20], answers[60]} <= {"ok", "409"}, (answers[20], answers[60])
    sold = sum(answer is True for answer in answers)
    assert sold == LOCATIONS["store-a"]  # 118 shoppers for 41 units: every unit sold once, none twice
    planning.set_shards(hot, 8)
    assert_split_once(hot, 8)
    held = sum(row["held"] for key, row in assert_ledger_matches_counters(hot).items() if key[1] == "store-a")
    assert held == sold
