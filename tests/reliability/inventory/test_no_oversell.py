"""Many shoppers, little stock: exactly the stock is sold, never more, never a partial cart."""

from __future__ import annotations

import itertools
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from inventory.logic import holds, planning
from inventory.models.holds import ReserveIn
from kernel.errors import Conflict, InsufficientStock
from support.inventory import WEB, assert_ledger_matches_counters, location, shard_snapshot, stock


def _reserve(reference: str, lines: list[tuple[str, str, int]]) -> bool:
    request = ReserveIn(reference=reference, lines=[{"line": str(i), "sku": s, "location_id": loc, "quantity": q} for i, (s, loc, q) in enumerate(lines)])
    try:
        holds.reserve(WEB, request)
        return True
    except (InsufficientStock, Conflict):
        return False


def test_500_concurrent_single_unit_reservations_on_100_units_sell_exactly_100(inventory_db):
    location("store-1")
    stock("HOT-1", "store-1", 100)
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda n: _reserve(f"cart-{n}", [("HOT-1", "store-1", 1)]), range(500)))
    assert sum(results) == 100
    row = assert_ledger_matches_counters()[("HOT-1", "store-1", 0)]
    assert (row["held"], row["available"], row["on_hand"]) == (100, 0, 100)


def test_concurrent_multi_line_carts_are_all_or_nothing(inventory_db):
    for name in ("s1", "s2"):
        location(name)
    supply = {("A", "s1"): 30, ("B", "s1"): 20, ("A", "s2"): 15, ("C", "s2"): 25}
    for (sku, loc), units in supply.items():
        stock(sku, loc, units)
    rng = random.Random(7)
    carts = {f"cart-{n}": [(sku, loc, rng.randint(1, 3)) for (sku, loc) in rng.sample(sorted(supply), rng.randint(2, 3))] for n in range(150)}
    with ThreadPoolExecutor(max_workers=30) as pool:
        outcome = dict(zip(carts, pool.map(lambda ref: _reserve(ref, carts[ref]), carts), strict=True))
    rows = assert_ledger_matches_counters()
    from inventory.dal import holds as hold_rows

    for reference, lines in carts.items():
        held = hold_rows.of_reference("web", reference)
        assert len(held) == (len(lines) if outcome[reference] else 0), f"{reference} is partly held"
    for (sku, loc), units in supply.items():
        expected = sum(q for ref, lines in carts.items() if outcome[ref] for s, place, q in lines if (s, place) == (sku, loc))
        assert rows[(sku, loc, 0)]["held"] == expected <= units
        assert rows[(sku, loc, 0)]["available"] >= 0
    assert 0 < sum(outcome.values()) < len(carts)  # the test really contended


@pytest.mark.parametrize("shards", [10])
def test_a_sharded_hot_sku_still_sells_exactly_its_stock(inventory_db, shards):
    location("store-1")
    stock("HOT-2", "store-1", 100)
    planning.set_shards("HOT-2", shards)
    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(lambda n: _reserve(f"cart-{n}", [("HOT-2", "store-1", 1)]), range(300)))
    assert sum(results) == 100
    rows = assert_ledger_matches_counters()
    assert len([key for key in rows if key[0] == "HOT-2"]) == shards
    assert sum(row["held"] for key, row in rows.items() if key[0] == "HOT-2") == 100
    assert all(row["available"] >= 0 for row in rows.values())


def test_counts_and_damage_beside_200_reservations_on_a_sharded_sku_never_promise_more_than_the_location_has(inventory_db):
    from inventory.dal import stock as stock_rows
    from inventory.logic import adjustments
    from inventory.models.stock import AdjustmentIn
    from kernel.settings import settings

    location("store-1")
    stock("HOT-3", "store-1", 100)
    planning.set_shards("HOT-3", 4)
    stop, counted, promised_too_much, errors = threading.Event(), threading.Event(), [], []

    def sample() -> None:
        while not stop.is_set():
            figures = [row["available"] for row in shard_snapshot(inventory_db, settings().table_name, "HOT-3", "store-1", 4)]
            if sum(max(0, figure) for figure in figures) > max(0, sum(figures)):
                promised_too_much.append(figures)

    def operate() -> None:
        """Counts down (never below what is held: that would be the count's news, not an oversell), damage
        while units are there (damaged held units would be news too), restore, write-off."""
        versions = itertools.count(1)
        try:
            for kind, quantity in [("count", 50), ("damage", 5), ("damage", 4), ("restore", 2), ("count", 45), ("write_off", 3), ("count", 40)]:
                if kind == "count":
                    rows = stock_rows.shards("HOT-3", "store-1")
                    quantity = max(quantity, sum(row.held + row.unavailable for row in rows) + 10)
                extra = {"count_version": next(versions)} if kind == "count" else {}
                adjustments.adjust(AdjustmentIn(source_event_id=f"op-{kind}-{quantity}-{time.time_ns()}", sku="HOT-3", location_id="store-1", kind=kind, quantity=quantity, **extra))
                counted.set()  # the shoppers come in once the first count is on the table
                time.sleep(0.05)
        except Exception as error:  # reported below: the operator's changes must all go through
            errors.append(error)
            counted.set()

    def shop(n: int) -> bool:
        counted.wait()
        return _reserve(f"cart-{n}", [("HOT-3", "store-1", 1)])

    sampler, operator = threading.Thread(target=sample), threading.Thread(target=operate)
    sampler.start()
    operator.start()
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(shop, range(200)))
    operator.join()
    stop.set()
    sampler.join()
    assert errors == []
    assert promised_too_much == [], f"shards promised more than the location had: {promised_too_much[:3]}"
    rows = [row for key, row in assert_ledger_matches_counters("HOT-3").items()]
    held, physical = sum(row["held"] for row in rows), sum(row["on_hand"] - row["unavailable"] for row in rows)
    assert held == sum(results) <= physical, f"{held} held against {physical} units"
    assert 0 < sum(results) < 200  # the reservations really contended for the stock
