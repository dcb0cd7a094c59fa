"""The shard rule: whatever a change does to a location's availability, no shard promises what the
location lacks, and as few units as possible move between shards."""

from hypothesis import given
from hypothesis import strategies as st

from inventory.logic.spread import Fixed, level, plan
from inventory.models.stock import StockShard

figures = st.dictionaries(st.integers(1, 9), st.integers(-5, 30), max_size=6).map(lambda extra: {0: 0, **extra})


def _promised(values: dict[int, int]) -> int:
    return sum(max(0, value) for value in values.values())


@given(figures, st.integers(-60, 60))
def test_no_shard_promises_what_the_location_lacks_and_every_unit_is_kept(before, change):
    total = sum(before.values()) + change
    after = level(before, total)
    assert sum(after.values()) == total and set(after) == set(before)
    assert _promised(after) == max(0, total)
    if total < 0:
        assert after[0] == total and all(value == 0 for shard, value in after.items() if shard)


@given(figures.filter(lambda values: min(values.values()) >= 0), st.integers(-60, 60))
def test_decreases_only_take_and_increases_only_give(before, change):
    after = level(before, sum(before.values()) + change)
    if sum(before.values()) + change >= 0:
        assert all((after[s] <= before[s]) if change <= 0 else (after[s] >= before[s]) for s in before)


def test_a_count_down_drains_the_fullest_shards_first():
    assert level({0: 25, 1: 25, 2: 25, 3: 25}, 50) == {0: 12, 1: 12, 2: 13, 3: 13}
    assert level({0: 0, 1: 10, 2: 3}, 8) == {0: 0, 1: 5, 2: 3}
    assert level({0: -4, 1: 0, 2: 6}, 6) == {0: 0, 1: 0, 2: 6}  # the deficit is cleared, nothing else moves


def test_a_count_on_four_shards_spreads_the_difference_instead_of_putting_it_on_shard_0():
    rows = [StockShard(sku="A", location_id="s", shard=n, on_hand=25, available=25, seq=3) for n in range(4)]
    operations = plan("A", "s", rows, on_hand=-50, count_version=2, exact_on_hand=True)
    deltas = {int(op["Update"]["Key"]["sk"][-3:]): op["Update"]["ExpressionAttributeValues"][":on_hand"] for op in operations}
    assert deltas == {0: -13, 1: -13, 2: -12, 3: -12}
    conditions = [op["Update"]["ConditionExpression"] for op in operations]
    assert all("#on_hand = :exact_on_hand" in condition and "#available >= :need" in condition for condition in conditions)


def test_a_release_on_another_shard_is_guarded_by_shard_0():
    rows = [StockShard(sku="A", location_id="s", shard=n, on_hand=5, held=n, available=5 - n, seq=1) for n in range(3)]
    operations = plan("A", "s", rows, {2: Fixed(held=-2)})
    assert [next(iter(op)) for op in operations] == ["ConditionCheck", "Update"]
    assert operations[0]["ConditionCheck"]["ConditionExpression"] == "available >= :zero"
