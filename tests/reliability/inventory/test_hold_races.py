"""A hold transition acts on the hold it read, never on a newer hold placed under the same key."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

from inventory.dal import holds as hold_rows
from inventory.logic import holds, planning
from inventory.models.holds import ReserveIn
from kernel.errors import Conflict, InsufficientStock, NotFound
from support.inventory import WEB, assert_ledger_matches_counters, location, stock


def _cart(reference: str, quantity: int, hold: str = "soft") -> ReserveIn:
    return ReserveIn(reference=reference, hold=hold, lines=[{"line": "1", "sku": "RACE-1", "location_id": "store-1", "quantity": quantity}])


def test_a_slow_release_that_read_the_old_hold_does_not_move_the_new_ones_units(inventory_db, monkeypatch):
    location("store-1")
    stock("RACE-1", "store-1", 40)
    planning.set_shards("RACE-1", 4)
    holds.reserve(WEB, _cart("cart-1", 3))
    stale = hold_rows.of_reference("web", "cart-1")  # what a slow release read
    holds.transition(WEB, "cart-1", "release")
    for _ in range(20):  # the same key held again, until it lands on another shard than the old hold
        [new] = holds.reserve(WEB, _cart("cart-1", 5)).holds
        if set(new.shards) != set(stale[0].shards):
            break
        holds.transition(WEB, "cart-1", "release")
    reads = iter([stale])
    real = hold_rows.of_reference
    monkeypatch.setattr(hold_rows, "of_reference", lambda channel, reference: next(reads, None) or real(channel, reference))
    [released] = holds.transition(WEB, "cart-1", "release").holds
    assert released.hold_id == new.hold_id and released.state.value == "released"
    assert sum(row["held"] for row in assert_ledger_matches_counters("RACE-1").values()) == 0


def test_racing_release_re_reserve_confirm_and_commit_on_the_same_keys_keeps_every_counter_equal_to_its_holds(inventory_db):
    location("store-1")
    stock("RACE-1", "store-1", 200)
    planning.set_shards("RACE-1", 4)
    references = [f"cart-{n}" for n in range(4)]
    rng = random.Random(11)
    steps = [(rng.choice(references), rng.choice(["reserve", "reserve", "release", "confirm", "commit"]), rng.randint(1, 3)) for _ in range(240)]

    def act(step) -> str:
        reference, action, quantity = step
        try:
            if action == "reserve":
                holds.reserve(WEB, _cart(reference, quantity))
            else:
                holds.transition(WEB, reference, action)
            return "done"
        except (Conflict, InsufficientStock, NotFound):
            return "refused"

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(act, steps))
    assert "done" in outcomes and "refused" in outcomes
    rows = assert_ledger_matches_counters("RACE-1")
    assert all(row["held"] >= 0 and row["available"] >= 0 for row in rows.values())
