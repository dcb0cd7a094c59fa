"""The outbox publisher against a fake EventBridge: chunks, ids, and what happens when entries fail."""

import json

import pytest

from kernel import outbox
from kernel.envelope import DomainEvent


class Happened(DomainEvent):
    TYPE = "Happened"
    n: int


def mapper(change):
    yield Happened(n=change.new["n"])


def record(n, seq):
    return {
        "eventID": f"e{n}",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "dynamodb": {"ApproximateCreationDateTime": 1700000000, "NewImage": {"n": {"N": str(n)}, "correlation_id": {"S": "c-1"}}, "SequenceNumber": seq, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


class FakeEvents:
    def __init__(self, fail_n=None):
        self.calls = []
        self.fail_n = fail_n

    def put_events(self, Entries):
        self.calls.append(Entries)
        results = []
        for entry in Entries:
            n = json.loads(entry["Detail"])["data"]["n"]
            results.append({"ErrorCode": "InternalFailure", "ErrorMessage": "x"} if n == self.fail_n else {"EventId": f"id{n}"})
        return {"FailedEntryCount": sum("ErrorCode" in r for r in results), "Entries": results}


@pytest.fixture
def events(monkeypatch):
    def install(fake):
        monkeypatch.setattr(outbox, "client", lambda name: fake)
        return fake

    return install


def test_publishes_in_chunks_of_ten_with_the_envelope(events):
    fake = events(FakeEvents())
    result = outbox.StreamOutbox("omni.test", mapper).publish({"Records": [record(n, f"{n:04d}") for n in range(23)]})
    assert result == {"batchItemFailures": []}
    assert [len(call) for call in fake.calls] == [10, 10, 3]
    detail = json.loads(fake.calls[0][0]["Detail"])
    assert (detail["type"], detail["source"], detail["correlation_id"], fake.calls[0][0]["DetailType"]) == ("Happened", "omni.test", "c-1", "Happened")


def test_event_ids_are_stable_across_redelivery(events):
    fake = events(FakeEvents())
    publisher = outbox.StreamOutbox("omni.test", mapper)
    publisher.publish({"Records": [record(1, "0001")]})
    publisher.publish({"Records": [record(1, "0001")]})
    first, second = (json.loads(call[0]["Detail"])["id"] for call in fake.calls)
    assert first == second


def test_a_failed_entry_fails_its_record_so_the_stream_retries_from_there(events):
    events(FakeEvents(fail_n=14))
    result = outbox.StreamOutbox("omni.test", mapper).publish({"Records": [record(n, f"{n:04d}") for n in range(20)]})
    assert result == {"batchItemFailures": [{"itemIdentifier": "0014"}]}


def test_a_record_that_cannot_be_mapped_stops_the_batch_there(events):
    fake = events(FakeEvents())

    def fragile(change):
        if change.new["n"] == 3:
            raise ValueError("bad item")
        yield Happened(n=change.new["n"])

    result = outbox.StreamOutbox("omni.test", fragile).publish({"Records": [record(n, f"{n:04d}") for n in range(6)]})
    assert result == {"batchItemFailures": [{"itemIdentifier": "0003"}]}
    assert [json.loads(e["Detail"])["data"]["n"] for e in fake.calls[0]] == [0, 1, 2]


def test_put_events_raising_fails_the_chunk(events):
    class Down:
        def put_events(self, Entries):
            raise ConnectionError("down")

    events(Down())
    result = outbox.StreamOutbox("omni.test", mapper).publish({"Records": [record(n, f"{n:04d}") for n in range(3)]})
    assert result == {"batchItemFailures": [{"itemIdentifier": "0000"}]}
