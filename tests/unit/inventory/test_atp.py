from hypothesis import given
from hypothesis import strategies as st

from inventory.logic.atp import allocate, channel_available, crossings, location_available, split_evenly
from inventory.models.events import Crossing
from inventory.models.stock import StockShard


def test_location_figure_sums_shards_including_a_negative_one():
    shards = [StockShard(sku="A", location_id="s1", shard=0, available=-2), StockShard(sku="A", location_id="s1", shard=1, available=5)]
    assert location_available(shards) == 3


def test_channel_figure_ignores_deficits_elsewhere_and_subtracts_the_buffer():
    figures = {"s1": 10, "s2": -4, "wh": 6}
    assert channel_available(figures, ["s1", "s2"], buffer=3) == 7
    assert channel_available(figures, ["s1", "wh"], buffer=0) == 16
    assert channel_available(figures, ["s2"], buffer=0) == 0
    assert channel_available(figures, ["s1"], buffer=50) == 0


def test_crossings():
    assert crossings(3, 0) == [Crossing.out_of_stock]
    assert crossings(0, 8) == [Crossing.back_in_stock]
    assert crossings(9, 4) == [Crossing.low_stock]
    assert crossings(0, 2) == [Crossing.back_in_stock, Crossing.low_stock]
    assert crossings(4, 3) == []
    assert crossings(20, 18) == []


@given(st.integers(0, 10_000), st.integers(1, 20))
def test_split_evenly_keeps_every_unit(total, parts):
    shares = split_evenly(total, parts)
    assert sum(shares) == total and len(shares) == parts and max(shares) - min(shares) <= 1


@given(st.integers(1, 50), st.dictionaries(st.integers(0, 9), st.integers(-5, 20), min_size=1))
def test_allocate_takes_exactly_the_quantity_from_shards_that_have_it(quantity, figures):
    taken = allocate(quantity, figures)
    if sum(max(0, value) for value in figures.values()) < quantity:
        assert taken is None
    else:
        assert sum(taken.values()) == quantity
        assert all(0 < units <= figures[shard] for shard, units in taken.items())


def test_allocate_prefers_the_given_shard():
    assert allocate(2, {0: 5, 1: 9}, prefer=0) == {0: 2}
