"""POST /v1/ops/redrive through API Gateway events, under moto: parked batches (as Lambda's S3
on-failure destination writes them) are republished through their domain's outbox and removed; what
is not a batch of a known outbox stays parked and is named, never a 5xx."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from support.env import domain_environment
from support.triggers import call

SAMPLE = Path(__file__).resolve().parents[3] / "events" / "samples" / "InventoryOutbox" / "stock-row-changed.json"
BUCKET = "omni-test-parked"


def on_failure_record(stream_arn: str, payload) -> bytes:
    return json.dumps(
        {
            "requestContext": {"requestId": "r-1", "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:InventoryOutbox", "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": ""},
            "version": "1.0",
            "timestamp": "2026-11-23T12:00:00.000Z",
            "DDBStreamBatchInfo": {"shardId": "shard-1", "startSequenceNumber": "1", "endSequenceNumber": "1", "batchSize": 1, "streamArn": stream_arn},
            "payload": payload,
        }
    ).encode()


@pytest.fixture
def parked(inventory):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    stream_arn = f"arn:aws:dynamodb:us-east-1:000000000000:table/{inventory.table_name}/stream/2026-11-23T00:00:00.000"
    with domain_environment(inventory.table_name, PARKED_BUCKET=BUCKET, OUTBOX_TABLES=json.dumps({inventory.table_name: "inventory"})):
        yield s3, stream_arn, inventory


def keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_parked_batch_is_republished_with_its_original_event_ids_and_removed(parked):
    from ops.handlers import api

    s3, stream_arn, inventory = parked
    queue = inventory.capture_bus("omni.inventory")
    event = json.loads(SAMPLE.read_text())
    s3.put_object(Bucket=BUCKET, Key="aws/lambda/m-1/shard-1/2026/11/23/2026-11-23T12.00.00-a", Body=on_failure_record(stream_arn, json.dumps(event)))
    status, body = call(api.handler, "POST", "/v1/ops/redrive", {"limit": 5}, operator=True)
    assert (status, body) == (200, {"redriven": 1, "records": 1, "failed": [], "remaining": 0})
    assert keys(s3) == []
    [published] = inventory.captured(queue)
    # The same id the outbox gives this stream record in the first place: consumers dedupe a repeat.
    from inventory.handlers.outbox import outbox

    [entry] = outbox.entries_for(event["Records"][0])
    assert published["detail"]["id"] == json.loads(entry["Detail"])["id"]


def test_what_is_no_batch_of_a_known_outbox_stays_parked_and_is_named(parked):
    from ops.handlers import api

    s3, stream_arn, _ = parked
    event = json.loads(SAMPLE.read_text())
    s3.put_object(Bucket=BUCKET, Key="aws/lambda/m-1/shard-1/2026/11/23/a-junk", Body=b"{not json")
    s3.put_object(Bucket=BUCKET, Key="aws/lambda/m-1/shard-1/2026/11/23/b-metadata-only", Body=on_failure_record(stream_arn, None))
    s3.put_object(Bucket=BUCKET, Key="aws/lambda/m-1/shard-1/2026/11/23/c-other-table", Body=on_failure_record(stream_arn.replace(":table/", ":table/nobody-"), json.dumps(event)))
    status, body = call(api.handler, "POST", "/v1/ops/redrive", {}, operator=True)
    assert status == 200 and (body["redriven"], body["remaining"]) == (0, 3)
    assert [failure["key"].rsplit("/", 1)[-1] for failure in body["failed"]] == ["a-junk", "b-metadata-only", "c-other-table"]
    assert "no outbox" in body["failed"][2]["reason"]
    assert len(keys(s3)) == 3


def test_only_operators_redrive_and_the_limit_is_bounded(parked):
    from ops.handlers import api

    assert call(api.handler, "POST", "/v1/ops/redrive", {"limit": 5}, channel_key="key-pos")[0] == 403
    for limit in (0, 26, "5"):
        status, body = call(api.handler, "POST", "/v1/ops/redrive", {"limit": limit}, operator=True)
        assert (status, body["errors"][0]["field"]) == (422, "limit"), body


def test_a_batch_another_redrive_removed_after_this_one_listed_it_is_skipped_not_a_5xx(parked, monkeypatch):
    """Two operators redrive at once: the other call republished and removed a batch between this call's
    listing and its read. That batch is done, not a failure, and the rest is still redriven."""
    from ops.dal import parked as parked_bucket
    from ops.handlers import api

    s3, stream_arn, _ = parked
    event = json.dumps(json.loads(SAMPLE.read_text()))
    for name in ("a", "b"):
        s3.put_object(Bucket=BUCKET, Key=f"aws/lambda/m-1/shard-1/2026/11/23/{name}", Body=on_failure_record(stream_arn, event))
    listing, real = list(parked_bucket.keys()), parked_bucket.keys
    s3.delete_object(Bucket=BUCKET, Key=listing[0])  # the other call's removal, after our listing
    calls = iter([iter(listing)])
    monkeypatch.setattr(parked_bucket, "keys", lambda: next(calls, None) or real())
    status, body = call(api.handler, "POST", "/v1/ops/redrive", {"limit": 5}, operator=True)
    assert (status, body) == (200, {"redriven": 1, "records": 1, "failed": [], "remaining": 0})
