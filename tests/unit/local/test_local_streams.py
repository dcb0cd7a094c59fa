"""Stream mapping semantics (checkpoint, bisect, retries, age, on-failure record), driven synchronously
with a fake DynamoDB Streams client and fake functions."""

import io
import json
import re
from datetime import UTC, datetime
from types import SimpleNamespace

from omni_local.activity import Activity
from omni_local.functions import Invocation
from omni_local.mappings import Mapping
from omni_local.streams import StreamPoller, lambda_record
from omni_local.trace import Console

SOURCE = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2020-01-01T00:00:00.000"


class Trimmed(Exception):
    pass


class FakeStreams:
    exceptions = SimpleNamespace(TrimmedDataAccessException=Trimmed)

    def __init__(self, records, trim_first=False):
        self.pending = list(records)
        self.trim_first = trim_first
        self.iterators = []

    def describe_stream(self, StreamArn, **_):
        return {"StreamDescription": {"Shards": [{"ShardId": "shard-1"}]}}

    def get_shard_iterator(self, ShardIteratorType, **_):
        self.iterators.append(ShardIteratorType)
        return {"ShardIterator": ShardIteratorType}

    def get_records(self, ShardIterator, Limit):
        if self.trim_first:
            self.trim_first = False
            raise Trimmed()
        records, self.pending = self.pending, []
        return {"Records": records, "NextShardIterator": "next"}


class FakeFunctions:
    def __init__(self, behaviour):
        self.behaviour = behaviour  # list of sequence numbers -> result dict, or raises
        self.batches = []

    def invoke(self, name, event):
        sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        self.batches.append(sequences)
        try:
            return Invocation(name, f"req-{len(self.batches)}", True, self.behaviour(sequences))
        except Exception as error:
            return Invocation(name, f"req-{len(self.batches)}", False, error={"errorType": type(error).__name__, "errorMessage": str(error)})

    def find(self, name):
        return SimpleNamespace(arn=f"arn:aws:lambda:us-east-1:000000000000:function:{name}")


class FakeDestinations:
    def __init__(self):
        self.sent = []
        self.keys = []

    def send(self, arn, body, attributes=None, key=None):
        self.sent.append((arn, json.loads(body)))
        self.keys.append(key)

    @staticmethod
    def label(arn):
        return arn.rsplit(":", 1)[-1]


def raw(sequence: str, created: datetime | None = None, image=None) -> dict:
    return {
        "eventID": f"id-{sequence}",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "ddblocal",
        "dynamodb": {
            "ApproximateCreationDateTime": created or datetime.now(UTC),
            "Keys": {"pk": {"S": sequence}},
            "NewImage": image or {"pk": {"S": sequence}},
            "SequenceNumber": sequence,
            "SizeBytes": 10,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def mapping(**overrides) -> Mapping:
    values = dict(
        logical_id="M",
        function="Fn",
        source_arn=SOURCE,
        kind="dynamodb",
        batch_size=10,
        window=0,
        report_failures=True,
        bisect=False,
        max_retries=2,
        max_age=-1,
        on_failure="arn:aws:sqs:us-east-1:000000000000:dlq",
    )
    values.update(overrides)
    return Mapping(**values)


def run(records, behaviour, trim_first=False, **overrides):
    client, functions, destinations = FakeStreams(records, trim_first), FakeFunctions(behaviour), FakeDestinations()
    poller = StreamPoller(mapping(**overrides), "real-arn", client, functions, destinations, Console(io.StringIO()), Activity(), retry_delay=0)
    for _ in range(20):
        poller.poll_once()
    return functions.batches, destinations.sent, client


def test_a_batch_parked_in_an_s3_destination_carries_its_records_under_lambdas_key_layout():
    client, destinations = FakeStreams([raw(s) for s in "12"], False), FakeDestinations()
    functions = FakeFunctions(lambda s: {"batchItemFailures": [{"itemIdentifier": "1"}]})
    poller = StreamPoller(mapping(on_failure="arn:aws:s3:::parked-bucket", max_retries=0), "real-arn", client, functions, destinations, Console(io.StringIO()), Activity(), retry_delay=0)
    for _ in range(5):
        poller.poll_once()
    ((arn, record),) = destinations.sent
    assert arn == "arn:aws:s3:::parked-bucket"
    payload = json.loads(record["payload"])  # JSON text, as Lambda writes it
    assert [r["dynamodb"]["SequenceNumber"] for r in payload["Records"]] == ["1", "2"]
    assert payload["Records"][0]["eventSourceARN"] == SOURCE and payload["Records"][0]["dynamodb"]["NewImage"] == {"pk": {"S": "1"}}
    assert re.fullmatch(r"aws/lambda/[0-9a-f-]{36}/shard-1/\d{4}/\d{2}/\d{2}/\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}", destinations.keys[0])
    assert functions.batches == [["1", "2"]]


def test_partial_failure_checkpoints_retries_from_the_failure_then_gives_up():
    def behaviour(sequences):
        return {"batchItemFailures": [{"itemIdentifier": "3"}] if "3" in sequences else []}

    batches, sent, _ = run([raw(s) for s in "1234"], behaviour)
    assert batches == [["1", "2", "3", "4"], ["3", "4"], ["3", "4"]]
    ((arn, record),) = sent
    assert arn.endswith(":dlq")
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"].endswith(":function:Fn")
    info = record["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == ("3", "4", 2)
    assert info["streamArn"] == SOURCE and info["shardId"] == "shard-1"
    assert record["version"] == "1.0" and record["responseContext"]["statusCode"] == 200


def test_an_error_bisects_the_batch_down_to_the_poison_record():
    def behaviour(sequences):
        if "2" in sequences:
            raise RuntimeError("poison")
        return None

    batches, sent, _ = run([raw(s) for s in "1234"], behaviour, bisect=True)
    assert batches[:3] == [["1", "2", "3", "4"], ["1", "2"], ["1"]]
    assert batches[-1] == ["3", "4"]
    assert batches.count(["2"]) == 3  # after bisecting to one record: the first try and 2 retries
    ((_, record),) = sent
    assert record["DDBStreamBatchInfo"]["batchSize"] == 1 and record["responseContext"]["functionError"] == "Unhandled"


def test_without_report_batch_item_failures_the_response_is_ignored():
    batches, sent, _ = run([raw("1")], lambda s: {"batchItemFailures": [{"itemIdentifier": "1"}]}, report_failures=False)
    assert batches == [["1"]] and sent == []


def test_records_older_than_the_maximum_age_are_skipped_to_the_destination():
    old = datetime(2020, 1, 1, tzinfo=UTC)
    batches, sent, _ = run([raw("1", created=old), raw("2")], lambda s: None, max_age=60)
    assert batches == [["2"]]
    assert sent[0][1]["requestContext"]["condition"] == "RecordAgeExceeded"


def test_batches_respect_the_batch_size_and_keep_order():
    batches, _, _ = run([raw(str(n).zfill(3)) for n in range(1, 8)], lambda s: None, batch_size=3)
    assert batches == [["001", "002", "003"], ["004", "005", "006"], ["007"]]


def test_a_trimmed_iterator_on_a_fresh_shard_is_reopened_at_its_start():
    batches, _, client = run([raw("5")], lambda s: None, trim_first=True)
    assert batches == [["5"]] and client.iterators == ["TRIM_HORIZON", "TRIM_HORIZON"]


def test_lambda_records_look_like_lambdas_and_repair_empty_maps():
    created = datetime(2024, 1, 1, tzinfo=UTC)
    record = lambda_record(raw("7", created, {"pk": {"S": "7"}, "attrs": {}, "list": {"L": [{}]}, "b": {"B": b"\x00"}}), SOURCE)
    assert record["eventSourceARN"] == SOURCE and record["awsRegion"] == "us-east-1"
    assert record["dynamodb"]["ApproximateCreationDateTime"] == 1704067200
    image = record["dynamodb"]["NewImage"]
    assert image["attrs"] == {"M": {}} and image["list"] == {"L": [{"M": {}}]} and image["b"] == {"B": "AA=="}
    json.dumps(record)
