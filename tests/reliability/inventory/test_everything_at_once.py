"""A hostile day on one sharded SKU at two stores: shoppers reserve, release, confirm and commit, the
sweeper expires, the tills record sales, operators move, damage, restore and write off units, and
every stock change is delivered twice at once. Afterwards every unit is accounted for by the ledger
(nothing applied twice, nothing lost), every counter equals its holds, and no moment promised more
than a location had."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from inventory.logic import adjustments, holds, planning
from inventory.models.holds import ReserveIn
from inventory.models.stock import AdjustmentIn, SaleIn, TransferIn
from kernel import clock
from kernel.errors import Conflict, InsufficientStock, NotFound
from support.inventory import POS, WEB, assert_ledger_matches_counters, everything, location, shard_snapshot, stock

SKU, STORES, SHARDS, START = "DAY-1", ("store-1", "store-2"), 4, 60


def _work(rng: random.Random) -> list[tuple]:
    carts = [f"cart-{n}" for n in range(30)]
    steps: list[tuple] = []
    for n in range(120):
        steps.append(("reserve", rng.choice(carts), rng.choice(STORES), rng.randint(1, 3), rng.choice(["soft", "hard"])))
        steps.append((rng.choice(["release", "confirm", "commit", "commit"]), rng.choice(carts)))
        if n % 4 == 0:
            steps += [("sale", f"till-{n}", rng.choice(STORES), rng.randint(1, 2))] * 2  # the till retries at once
        if n % 6 == 0:
            source, target = rng.sample(STORES, 2)
            steps += [("transfer", f"move-{n}", source, target, rng.randint(1, 4))] * 2
        if n % 9 == 0:
            kind = rng.choice(["damage", "damage", "restore", "write_off"])
            steps += [("adjust", f"{kind}-{n}", rng.choice(STORES), kind, rng.randint(1, 2))] * 2
        if n % 15 == 0:
            steps.append(("sweep",))
    return steps


def _act(step: tuple) -> str:
    action, *args = step
    try:
        if action == "reserve":
            reference, store, quantity, kind = args
            line = {"line": store, "sku": SKU, "location_id": store, "quantity": quantity}
            holds.reserve(WEB, ReserveIn(reference=reference, hold=kind, lines=[line]))
        elif action in ("release", "confirm", "commit"):
            holds.transition(WEB, args[0], action)
        elif action == "sale":
            adjustments.record_sale(POS, SaleIn(source_event_id=args[0], lines=[{"sku": SKU, "location_id": args[1], "quantity": args[2]}]))
        elif action == "transfer":
            source_id, source, target, quantity = args
            adjustments.transfer(TransferIn(source_event_id=source_id, sku=SKU, from_location_id=source, to_location_id=target, quantity=quantity))
        elif action == "adjust":
            source_id, store, kind, quantity = args
            adjustments.adjust(AdjustmentIn(source_event_id=source_id, sku=SKU, location_id=store, kind=kind, quantity=quantity))
        else:
            holds.expire_due(clock.now() + timedelta(days=2))  # every soft hold is past its deadline
        return "done"
    except (Conflict, InsufficientStock, NotFound) as refused:
        return f"refused:{getattr(refused, 'code', '')}"


def test_everything_at_once_on_a_sharded_sku_accounts_for_every_unit(inventory_db):
    from kernel.settings import settings

    for store in STORES:
        location(store, channels=("web", "pos"))
        stock(SKU, store, START)
    planning.set_shards(SKU, SHARDS)
    stop, promised_too_much = threading.Event(), []

    def sample() -> None:
        while not stop.is_set():
            for store in STORES:
                figures = [row["available"] for row in shard_snapshot(inventory_db, settings().table_name, SKU, store, SHARDS)]
                if sum(max(0, figure) for figure in figures) > max(0, sum(figures)):
                    promised_too_much.append((store, figures))

    steps = _work(random.Random(5))
    random.Random(6).shuffle(steps)
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            outcomes = list(pool.map(_act, steps))
    finally:
        stop.set()
        sampler.join()

    assert outcomes.count("done") > len(steps) // 2 and any(o.startswith("refused") for o in outcomes)
    assert promised_too_much == [], f"shards promised more than the location had: {promised_too_much[:3]}"
    rows = assert_ledger_matches_counters(SKU)
    items = everything()
    ledger = [item for item in items if item.get("type") == "adjustment" and item["sku"] == SKU and not item["source_event_id"].startswith("seed-")]
    committed = [item for item in items if item.get("type") == "hold" and item["state"] == "committed"]
    for store in STORES:
        mine = [row for (sku, place, _), row in rows.items() if place == store]
        on_hand = START
        on_hand -= sum(item["quantity"] for item in ledger if item["location_id"] == store and item["kind"] in ("sale", "transfer", "write_off"))
        on_hand += sum(item["quantity"] for item in ledger if item.get("to_location_id") == store)
        on_hand -= sum(hold["quantity"] for hold in committed if hold["location_id"] == store)
        unavailable = sum(item["quantity"] * {"damage": 1, "restore": -1, "write_off": -1}.get(item["kind"], 0) for item in ledger if item["location_id"] == store)
        assert sum(row["on_hand"] for row in mine) == on_hand, f"{store}: on hand is not what the ledger says"
        assert sum(row["unavailable"] for row in mine) == unavailable, f"{store}: unavailable is not what the ledger says"
        available = [row["available"] for row in mine]
        assert sum(max(0, figure) for figure in available) == max(0, sum(available)), f"{store}: {available}"
    assert len({item["source_event_id"] for item in ledger}) == len(ledger)
