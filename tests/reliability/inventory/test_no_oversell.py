"""Many shoppers, little stock: exactly the stock is sold, never more, never a partial cart."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from inventory.logic import holds, planning
from inventory.models.holds import ReserveIn
from kernel.errors import Conflict, InsufficientStock
from support.inventory import WEB, assert_ledger_matches_counters, location, stock


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
        held = hold_rows.of_reference(reference)
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
