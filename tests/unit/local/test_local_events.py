"""EventBridge pieces: the pattern-matching wrapper, target input, rules and schedules from the template."""

from pathlib import Path

from omni_local import physical
from omni_local.eventbridge import build_event
from omni_local.mappings import failed_items, load_mappings
from omni_local.patterns import json_path, matches, target_input
from omni_local.resolve import Resolver
from omni_local.rules import load_async_configs, load_rules
from omni_local.schedules import rate_seconds, scheduled_event
from omni_local.template import Assembly

FIXTURE = Path(__file__).parent / "fixtures" / "cdkout"

EVENT = {
    "version": "0",
    "id": "e1",
    "detail-type": "StockChanged",
    "source": "omni.inventory",
    "account": "000000000000",
    "time": "2024-01-01T00:00:00Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {"type": "StockChanged", "data": {"sku": "TEE-S", "on_hand": 7, "location": "store-1"}},
}


def test_patterns_match_like_eventbridge():
    assert matches(None, EVENT) and matches({}, EVENT)
    assert matches({"source": ["omni.inventory"], "detail-type": ["StockChanged", "HoldExpired"]}, EVENT)
    assert not matches({"source": ["omni.catalog"]}, EVENT)
    assert matches('{"detail": {"data": {"sku": [{"prefix": "TEE"}]}}}', EVENT)
    assert matches({"detail": {"data": {"on_hand": [{"numeric": [">", 5]}]}}}, EVENT)
    assert not matches({"detail": {"data": {"on_hand": [{"numeric": ["<", 5]}]}}}, EVENT)
    assert matches({"detail": {"data": {"location": [{"anything-but": "warehouse"}]}}}, EVENT)
    assert matches({"detail": {"data": {"missing": [{"exists": False}]}}}, EVENT)


def test_target_input_honours_input_input_path_and_transformer():
    assert target_input({}, EVENT) is EVENT
    assert target_input({"Input": '{"fixed": 1}'}, EVENT) == {"fixed": 1}
    assert target_input({"InputPath": "$.detail.data"}, EVENT) == EVENT["detail"]["data"]
    transformer = {"InputPathsMap": {"sku": "$.detail.data.sku", "n": "$.detail.data.on_hand"}, "InputTemplate": '{"sku": "<sku>", "count": <n>}'}
    assert target_input({"InputTransformer": transformer}, EVENT) == {"sku": "TEE-S", "count": 7}
    assert json_path(EVENT, "$.resources[0]") is None


def test_put_events_entries_become_eventbridge_events():
    event = build_event({"Source": "omni.catalog", "DetailType": "PriceChanged", "Detail": '{"a": 1}', "Time": 0}, "id-1")
    assert event == {
        "version": "0",
        "id": "id-1",
        "detail-type": "PriceChanged",
        "source": "omni.catalog",
        "account": "000000000000",
        "time": "1970-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"a": 1},
    }


def test_rules_schedules_and_async_configs_come_from_the_template():
    resolver = Resolver(Assembly.load(FIXTURE), physical.Naming("http://127.0.0.1:5000"))
    rules = {rule.logical_id: rule for rule in load_rules(resolver)}
    consumer = rules["ConsumerRule3C4D5E6F"]
    assert consumer.bus == "fixture-dev-bus" and consumer.pattern["detail-type"] == ["ThingHappened"]
    assert consumer.targets[0].arn.endswith(":function:ConsumerFunctionCCCC3333")
    assert consumer.targets[0].dead_letter_arn == "arn:aws:sqs:us-east-1:000000000000:EventDlq3A4B5C6D"
    assert rules["OtherRule7A8B9C0D"].bus == "fixture-dev-bus"  # named by ARN in the template
    hourly = rules["HourlyRule1E2F3A4B"]
    assert hourly.schedule == "rate(1 hour)" and hourly.pattern is None and hourly.bus == "default"
    assert load_async_configs(resolver)["ConsumerFunctionCCCC3333"].retries == 1

    scheduled = scheduled_event(hourly)
    assert scheduled["detail-type"] == "Scheduled Event" and scheduled["source"] == "aws.events"
    assert scheduled["resources"] == ["arn:aws:events:us-east-1:000000000000:rule/HourlyRule1E2F3A4B"]


def test_rate_expressions():
    assert rate_seconds("rate(1 minute)") == 60
    assert rate_seconds("rate(5 minutes)") == 300
    assert rate_seconds("rate(2 hours)") == 7200
    assert rate_seconds("rate(1 day)") == 86400
    assert rate_seconds("cron(0 12 * * ? *)") is None


def test_event_source_mappings_with_lambda_defaults():
    resolver = Resolver(Assembly.load(FIXTURE), physical.Naming("http://127.0.0.1:5000"))
    mappings = {m.logical_id: m for m in load_mappings(resolver)}
    stream = mappings["StreamMappingA1A2A3A4"]
    assert stream.kind == "dynamodb" and stream.function == "StreamFunctionBBBB2222"
    assert stream.report_failures and stream.bisect and stream.max_retries == 2 and stream.max_age == -1
    assert stream.on_failure == "arn:aws:sqs:us-east-1:000000000000:FailureQueue9C0D1E2F"
    queue = mappings["QueueMappingB1B2B3B4"]
    assert queue.kind == "sqs" and queue.batch_size == 5 and queue.max_retries == -1


def test_batch_item_failures():
    ids = ["1", "2", "3"]
    assert failed_items(None, ids) == []
    assert failed_items({}, ids) == []
    assert failed_items({"batchItemFailures": []}, ids) == []
    assert failed_items({"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]}, ids) == ["2", "3"]
    assert failed_items({"batchItemFailures": [{"itemIdentifier": "9"}]}, ids) is None
    assert failed_items({"batchItemFailures": [{"itemIdentifier": ""}]}, ids) is None
    assert failed_items({"batchItemFailures": "oops"}, ids) is None
