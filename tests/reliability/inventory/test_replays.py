"""At-least-once, any order: every adjustment and every stream batch delivered twice and shuffled
leaves exactly the state one in-order delivery leaves, and every repeat gets its first answer."""

from __future__ import annotations

import json
import random

import boto3

from inventory.dal import availability, locations
from inventory.logic import adjustments, projection
from inventory.logic.events import events_from_change
from inventory.models.stock import AdjustmentIn, SaleIn, TransferIn
from kernel.errors import Conflict
from kernel.outbox import StreamOutbox
from support.inventory import POS, assert_ledger_matches_counters, location, stock


def _changes():
    return [
        ("adjust", AdjustmentIn(source_event_id="r-1", sku="RP-1", location_id="a", kind="receipt", quantity=20)),
        ("adjust", AdjustmentIn(source_event_id="d-1", sku="RP-1", location_id="a", kind="damage", quantity=3)),
        ("transfer", TransferIn(source_event_id="t-1", sku="RP-1", from_location_id="a", to_location_id="b", quantity=5)),
        ("adjust", AdjustmentIn(source_event_id="c-1", sku="RP-1", location_id="b", kind="count", quantity=4, count_version=2)),
        ("adjust", AdjustmentIn(source_event_id="c-0", sku="RP-1", location_id="b", kind="count", quantity=9, count_version=1)),
        ("sale", SaleIn(source_event_id="s-1", lines=[{"sku": "RP-1", "location_id": "b", "quantity": 6}])),
        ("adjust", AdjustmentIn(source_event_id="w-1", sku="RP-1", location_id="a", kind="write_off", quantity=2)),
    ]


def _apply(kind, body):
    """The answer to one delivery; only the refusal of a stale count is an expected error."""
    try:
        if kind == "adjust":
            return adjustments.adjust(body)
        if kind == "transfer":
            return adjustments.transfer(body)
        return adjustments.record_sale(POS, body)
    except Conflict as refused:
        assert refused.code == "stale_count", refused.detail
        return "stale_count"


def _figures():
    return {key: {name: row[name] for name in ("on_hand", "held", "unavailable", "available")} for key, row in assert_ledger_matches_counters("RP-1").items()}


def _stream_records(table_name: str, endpoint: str) -> list[dict]:
    streams = boto3.client("dynamodbstreams", endpoint_url=endpoint)
    arn = boto3.client("dynamodb", endpoint_url=endpoint).describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            iterator = page.get("NextShardIterator") if page["Records"] else None
    for record in records:  # as Lambda delivers them
        record["dynamodb"]["ApproximateCreationDateTime"] = int(record["dynamodb"]["ApproximateCreationDateTime"].timestamp())
    return json.loads(json.dumps(records, default=str))


def test_every_adjustment_twice_and_out_of_order_gives_the_same_state_and_its_first_answer(inventory_db):
    for name in ("a", "b"):
        location(name, channels=("web", "pos"))
    stock("RP-1", "a", 0)  # registers the SKU
    first = {body.source_event_id: _apply(kind, body) for kind, body in _changes()}
    once = _figures()
    assert first["c-0"] == "stale_count"  # the older count lost to the newer one, and keeps losing
    assert all(answer != "stale_count" for source_id, answer in first.items() if source_id != "c-0")
    replays = _changes() * 2
    random.Random(3).shuffle(replays)
    for kind, body in replays:
        assert _apply(kind, body) == first[body.source_event_id], body.source_event_id
    assert _figures() == once


def test_stream_batches_delivered_twice_publish_the_same_event_ids(inventory_db, fresh_table_name, dynamodb_local, monkeypatch):
    from kernel.settings import settings

    for name in ("a", "b"):
        location(name, channels=("web", "pos"))
    stock("RP-1", "a", 0)  # registers the SKU
    for kind, body in _changes():
        _apply(kind, body)
    records = _stream_records(settings().table_name, dynamodb_local.endpoint)
    assert records, "the table has a stream"

    published: list[dict] = []

    class Bus:
        def put_events(self, Entries):
            published.extend(Entries)
            return {"FailedEntryCount": 0, "Entries": [{"EventId": str(n)} for n in range(len(Entries))]}

    monkeypatch.setattr("kernel.outbox.client", lambda name: Bus())
    outbox = StreamOutbox("omni.inventory", events_from_change)
    for start in range(0, len(records), 7):
        outbox.publish({"Records": records[start : start + 7]})
    ids_once = [json.loads(entry["Detail"])["id"] for entry in published]
    for start in range(0, len(records), 7):
        outbox.publish({"Records": records[start : start + 7]})
    assert [json.loads(entry["Detail"])["id"] for entry in published[len(ids_once) :]] == ids_once

    assert any(entry["DetailType"] == "StockChanged" for entry in published)


def test_slow_and_repeated_projection_consumers_never_leave_an_older_figure(inventory_db, monkeypatch):
    """Each StockChanged makes a consumer read the table; a slow one read it long ago. Figures computed
    from every past state, each delivered twice in shuffled order, must leave the newest figure."""
    for name in ("a", "b"):
        location(name, channels=("web", "pos"))
    stock("RP-1", "a", 0)  # registers the SKU
    states = []  # what a consumer woken by each change read: the SKU's partition and the locations
    for kind, body in _changes():
        _apply(kind, body)
        states.append(([item for item in availability.partition("RP-1") if item["sk"] != "AVAILABILITY"], locations.all_locations()))
    projection.recompute("RP-1")
    newest = availability.rows(["RP-1"])["RP-1"]
    assert newest["locations"] == {"a": 12, "b": -2}  # 20 in, 3 damaged (2 of them written off), 5 moved; b counted 4, sold 6

    real_partition = availability.partition
    deliveries = list(range(len(states))) * 2
    random.Random(5).shuffle(deliveries)
    for index in deliveries:
        items, every_location = states[index]
        current = [item for item in real_partition("RP-1") if item["sk"] == "AVAILABILITY"]
        monkeypatch.setattr(availability, "partition", lambda sku, items=items, current=current: items + current)
        projection.recompute("RP-1", every_location)
    monkeypatch.setattr(availability, "partition", real_partition)
    after = availability.rows(["RP-1"])["RP-1"]
    assert (after["channels"], after["locations"], after["basis"]) == (newest["channels"], newest["locations"], newest["basis"])
