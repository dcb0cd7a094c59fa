from inventory.logic.events import events_from_change
from kernel.outbox import Change

STOCK = {"type": "stock", "sku": "A", "location_id": "s1", "shard": 0, "on_hand": 10, "held": 0, "unavailable": 0, "safety": 0, "available": 10, "seq": 1}


def types(change):
    return [event.TYPE for event in events_from_change(change)]


def test_a_stock_row_change_is_stock_changed_with_deltas():
    new = {**STOCK, "held": 3, "available": 7, "seq": 2}
    [event] = events_from_change(Change("MODIFY", STOCK, new))
    assert (event.TYPE, event.held_delta, event.on_hand_delta, event.available, event.seq) == ("StockChanged", 3, 0, 7, 2)


def test_a_write_that_moved_no_figure_publishes_nothing():
    assert types(Change("MODIFY", STOCK, {**STOCK, "seq": 2, "correlation_id": "x"})) == []


def test_availability_rows_publish_one_event_per_channel_that_moved_with_crossings():
    old = {"type": "availability", "sku": "A", "channels": {"web": 3, "app": 10}, "basis": 4}
    new = {"type": "availability", "sku": "A", "channels": {"web": 0, "app": 10, "pos": 2}, "basis": 6}
    events = list(events_from_change(Change("MODIFY", old, new)))
    assert [(e.channel, e.available, e.previous, [c.value for c in e.crossings]) for e in events] == [
        ("pos", 2, 0, ["back_in_stock", "low_stock"]),
        ("web", 0, 3, ["out_of_stock"]),
    ]


def test_only_a_soft_hold_that_expired_is_hold_expired():
    hold = {"type": "hold", "reference": "c1", "line": "1", "sku": "A", "location_id": "s1", "quantity": 2, "channel": "web", "expires_at": "t", "state": "soft"}
    assert types(Change("MODIFY", hold, {**hold, "state": "expired"})) == ["HoldExpired"]
    assert types(Change("MODIFY", hold, {**hold, "state": "released"})) == []


def test_a_sale_with_a_shortfall_is_oversell_detected_once():
    sale = {"type": "adjustment", "source_event_id": "s:0", "kind": "sale", "sku": "A", "location_id": "s1", "quantity": 5, "shortfall": 2, "channel": "pos"}
    assert types(Change("INSERT", None, sale)) == ["OversellDetected"]
    assert types(Change("INSERT", None, {**sale, "shortfall": 0})) == []
    assert types(Change("MODIFY", sale, sale)) == []


def test_removals_are_clean_ups_not_business_events():
    assert types(Change("REMOVE", STOCK, None)) == []
