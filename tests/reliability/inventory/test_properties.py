"""Random sequences of everything that moves stock, on SKUs with one stock row or four shards, on
DynamoDB Local, checked after every step against a model and against the ledger: held = the units of
active holds, on hand matches what happened, nothing goes below zero except by a recorded forced sale
or a count, no shard promises what its location lacks, ATP follows its formula."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from inventory.dal import holds as hold_rows
from inventory.logic import adjustments, holds, levels, planning, projection
from inventory.models.holds import ReserveIn
from inventory.models.stock import AdjustmentIn, SaleIn, TransferIn
from kernel import clock
from kernel.errors import Conflict, InsufficientStock
from support.inventory import POS, WEB, assert_ledger_matches_counters, location, stock

LOCATIONS = ("p1", "p2")
_run = itertools.count()
quantities = st.integers(1, 6)


class Inventory(RuleBasedStateMachine):
    @initialize(shards=st.sampled_from([1, 4]))
    def setup(self, shards):
        run = next(_run)
        self.sku = f"PROP-{run}"
        self.ids = itertools.count()
        for name in LOCATIONS:
            location(name, channels=("web", "pos"))
        stock(self.sku, "p1", 8)
        stock(self.sku, "p2", 0)
        if shards > 1:
            planning.set_shards(self.sku, shards)
        self.on_hand = {"p1": 8, "p2": 0}
        self.forced = set()  # locations where a sale was recorded short
        self.active: dict[str, int] = {}  # reference -> units held (soft or hard)
        self.count_version = 0

    def _id(self) -> str:
        return f"{self.sku}-{next(self.ids)}"

    @rule(loc=st.sampled_from(LOCATIONS), quantity=quantities, hard=st.booleans())
    def reserve(self, loc, quantity, hard):
        reference = self._id()
        try:
            holds.reserve(WEB, ReserveIn(reference=reference, hold="hard" if hard else "soft", ttl_seconds=60, lines=[{"line": "1", "sku": self.sku, "location_id": loc, "quantity": quantity}]))
            self.active[reference] = quantity
        except InsufficientStock:
            assert sum(level.available_to_promise for level in levels.stock_levels(self.sku, loc)) < quantity

    @rule(data=st.data(), action=st.sampled_from(["release", "commit", "confirm"]))
    def move(self, data, action):
        if not self.active:
            return
        reference = data.draw(st.sampled_from(sorted(self.active)))
        [hold] = hold_rows.of_reference("web", reference)
        try:
            holds.transition(WEB, reference, action)
        except Conflict:
            assert action in ("commit", "confirm")  # units a count found missing, or a lapsed soft hold
            return
        if action == "release":
            self.active.pop(reference)
        elif action == "commit":
            self.on_hand[hold.location_id] -= self.active.pop(reference)

    @rule()
    def expire(self):
        holds.expire_due(clock.now() + timedelta(hours=2))
        for hold in [h for reference in list(self.active) for h in hold_rows.of_reference("web", reference)]:
            if hold.state.value == "expired":
                self.active.pop(hold.reference)

    @rule(loc=st.sampled_from(LOCATIONS), kind=st.sampled_from(["receipt", "damage", "restore", "write_off"]), quantity=quantities)
    def adjust(self, loc, kind, quantity):
        available = sum(level.available_to_promise + level.safety_stock for level in levels.stock_levels(self.sku, loc))
        try:
            adjustments.adjust(AdjustmentIn(source_event_id=self._id(), sku=self.sku, location_id=loc, kind=kind, quantity=quantity))
        except Conflict:  # refused only when the location lacks the units: intact ones to damage, unavailable ones otherwise
            stock_levels = levels.stock_levels(self.sku, loc)
            lacking = {"damage": sum(level.on_hand - level.unavailable for level in stock_levels)}.get(kind, sum(level.unavailable for level in stock_levels))
            assert kind != "receipt" and lacking < quantity
            return
        self.on_hand[loc] += {"receipt": quantity, "write_off": -quantity}.get(kind, 0)
        if kind == "damage" and quantity > available:
            self.forced.add(loc)  # held units were found damaged

    @rule(loc=st.sampled_from(LOCATIONS), counted=st.integers(0, 12))
    def count(self, loc, counted):
        self.count_version += 1
        adjustments.adjust(AdjustmentIn(source_event_id=self._id(), sku=self.sku, location_id=loc, kind="count", quantity=counted, count_version=self.count_version))
        self.on_hand[loc] = counted
        self.forced.discard(loc)
        rows = assert_ledger_matches_counters(self.sku)
        if counted < sum(row["held"] + row["unavailable"] for key, row in rows.items() if key[1] == loc):
            self.forced.add(loc)  # the count found fewer units than are held or damaged

    @rule(source=st.sampled_from(LOCATIONS), quantity=quantities)
    def transfer(self, source, quantity):
        target = next(name for name in LOCATIONS if name != source)
        try:
            adjustments.transfer(TransferIn(source_event_id=self._id(), sku=self.sku, from_location_id=source, to_location_id=target, quantity=quantity))
        except InsufficientStock:
            return
        self.on_hand[source] -= quantity
        self.on_hand[target] += quantity

    @rule(loc=st.sampled_from(LOCATIONS), quantity=quantities)
    def sale(self, loc, quantity):
        [recorded] = adjustments.record_sale(POS, SaleIn(source_event_id=self._id(), lines=[{"sku": self.sku, "location_id": loc, "quantity": quantity}]))
        self.on_hand[loc] -= quantity
        if recorded.shortfall:
            self.forced.add(loc)

    @rule(loc=st.sampled_from(LOCATIONS), quantity=st.integers(0, 4))
    def safety(self, loc, quantity):
        planning.set_safety_stock(self.sku, loc, quantity)

    @invariant()
    def ledger_and_model_agree(self):
        if not hasattr(self, "sku"):
            return
        rows = assert_ledger_matches_counters(self.sku)
        for loc in LOCATIONS:
            on_hand = sum(row["on_hand"] for key, row in rows.items() if key[1] == loc)
            assert on_hand == self.on_hand[loc], loc
            if loc not in self.forced:
                assert on_hand >= 0, f"on hand went below zero at {loc} without a recorded forced sale"
        assert sum(row["held"] for row in rows.values()) == sum(self.active.values())

    @invariant()
    def no_shard_promises_what_its_location_lacks(self):
        if not hasattr(self, "sku"):
            return
        rows = assert_ledger_matches_counters(self.sku)
        for loc in LOCATIONS:
            figures = [row["available"] for key, row in rows.items() if key[1] == loc]
            assert sum(max(0, figure) for figure in figures) <= max(0, sum(figures)), f"shards at {loc} promise more than it has: {figures}"
            held = sum(row["held"] for key, row in rows.items() if key[1] == loc)
            physical = sum(row["on_hand"] - row["unavailable"] for key, row in rows.items() if key[1] == loc)
            if loc not in self.forced:
                assert held <= physical, f"{held} held against {physical} units at {loc}"

    @invariant()
    def availability_follows_the_formula(self):
        if not hasattr(self, "sku"):
            return
        projection.recompute(self.sku)
        by_location = {level.location_id: level for level in levels.stock_levels(self.sku)}
        expected = sum(max(0, level.on_hand - level.held - level.unavailable - level.safety_stock) for level in by_location.values())
        assert levels.availability("web", [self.sku]).items[0].available == expected


TestInventoryProperties = Inventory.TestCase
TestInventoryProperties.settings = settings(max_examples=16, stateful_step_count=15, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def _table(inventory_db):
    yield
