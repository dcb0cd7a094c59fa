"""DynamoDB stream event source mappings: read DynamoDB Local's real stream, feed the function.

Per mapping, one thread reads every shard from TRIM_HORIZON (the tables were created by us moments
before, so nothing is missed), parents before children, and keeps each shard's unprocessed records in
order. A batch is retried until it succeeds, the way Lambda does it:

- a handler error or timeout fails the whole batch; with BisectBatchOnFunctionError the batch is
  halved first (halving does not count as a retry);
- with ReportBatchItemFailures, the records before the lowest reported sequence number are done and
  the retry starts at it; an empty list (or no response) is success; an unknown identifier fails all;
- after MaximumRetryAttempts retries, or for records older than MaximumRecordAgeInSeconds, the batch
  is skipped and its description sent to DestinationConfig.OnFailure (shaped like AWS's record; to an
  S3 bucket, with the batch itself as `payload`, under Lambda's key layout).
"""

from __future__ import annotations

import base64
import json
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from omni_local.loops import Poller
from omni_local.mappings import Mapping, failed_items
from omni_local.patterns import matches
from omni_local.physical import REGION, service_of_arn, table_from_arn
from omni_local.trace import short


@dataclass
class Shard:
    id: str
    parent: str | None
    iterator: str | None = None
    last_read: str | None = None  # sequence number of the last record fetched
    closed: bool = False
    records: list[dict] = field(default_factory=list)  # fetched, not yet done; each with "_fetched"
    attempts: dict[str, int] = field(default_factory=dict)  # head sequence number -> failed invocations
    limit: int | None = None  # batch size while bisecting

    @property
    def done(self) -> bool:
        return self.closed and not self.records


def lambda_record(raw: dict, source_arn: str) -> dict:
    """A DynamoDB Streams record as Lambda delivers it."""
    stream = dict(raw["dynamodb"])
    for image in ("Keys", "NewImage", "OldImage"):
        if image in stream:
            stream[image] = {name: _attribute(value) for name, value in stream[image].items()}
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        seconds = created.timestamp()
        stream["ApproximateCreationDateTime"] = int(seconds) if seconds == int(seconds) else seconds
    record = {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": raw.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": _json_safe(stream),
        "eventSourceARN": source_arn,
    }
    if raw.get("userIdentity"):
        record["userIdentity"] = raw["userIdentity"]
    return record


def _attribute(value: dict) -> dict:
    """DynamoDB Local writes an empty map as `{}` in stream records (GetItem says {"M": {}}); an
    attribute value always has exactly one type, so `{}` can only be that empty map."""
    if value == {}:
        return {"M": {}}
    if "M" in value:
        return {"M": {name: _attribute(item) for name, item in value["M"].items()}}
    if "L" in value:
        return {"L": [_attribute(item) for item in value["L"]]}
    return value


def _json_safe(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(item) for item in value]
    return value


def parked_key(mapping_id: str, shard_id: str, epoch: float) -> str:
    """Lambda's key for a batch parked in an S3 on-failure destination:
    aws/lambda/<mapping uuid>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random uuid>."""
    moment = datetime.fromtimestamp(epoch, UTC)
    mapping_uuid = uuid.uuid5(uuid.NAMESPACE_URL, "esm/" + mapping_id)
    return f"aws/lambda/{mapping_uuid}/{shard_id}/{moment:%Y/%m/%d}/{moment:%Y-%m-%dT%H.%M.%S}-{uuid.uuid4()}"


def _iso(epoch: Any) -> str:
    return datetime.fromtimestamp(float(epoch or 0), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StreamPoller(Poller):
    def __init__(self, mapping: Mapping, stream_arn: str, client, functions, destinations, console, activity, interval: float = 0.15, retry_delay: float = 0.2, max_window: float = 0.5):
        super().__init__(f"stream:{mapping.logical_id}", console, activity, interval)
        self.mapping, self.stream_arn, self.client = mapping, stream_arn, client
        self.functions, self.destinations = functions, destinations
        self.retry_delay, self.max_window = retry_delay, max_window
        self.table = table_from_arn(mapping.source_arn)
        self.shards: dict[str, Shard] = {}
        self._next_describe = 0.0

    def poll_once(self) -> bool:
        """One round over the shards; True if anything was read or is still pending."""
        self._discover()
        worked = False
        for shard in list(self.shards.values()):
            parent = self.shards.get(shard.parent) if shard.parent else None
            if shard.done or (parent is not None and not parent.done):
                continue  # a child waits until its parent is drained: order per key is kept
            self._fetch(shard)
            if shard.records:
                with self.activity.busy(f"stream {short(self.table)} batch of {len(shard.records)} → {short(self.mapping.function)}"):
                    self._process(shard)
                worked = True
        return worked

    def _discover(self) -> None:
        if time.monotonic() < self._next_describe and all(not s.closed for s in self.shards.values()):
            return
        self._next_describe = time.monotonic() + 1.0
        arguments: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            description = self.client.describe_stream(**arguments)["StreamDescription"]
            for shard in description.get("Shards", []):
                if shard["ShardId"] not in self.shards:
                    iterator = self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
                    self.shards[shard["ShardId"]] = Shard(shard["ShardId"], shard.get("ParentShardId"), iterator)
            if not description.get("LastEvaluatedShardId"):
                return
            arguments["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]

    def _fetch(self, shard: Shard) -> None:
        if shard.closed or len(shard.records) >= 1000:
            return
        try:
            answer = self.client.get_records(ShardIterator=shard.iterator, Limit=1000)
        except self.client.exceptions.TrimmedDataAccessException:
            # DynamoDB Local numbers stream records across all tables: an iterator taken on an empty
            # shard can point below the first record that shard then gets, which it calls trimmed.
            # Reopen the shard just after what was read (or at its start): nothing is skipped or repeated.
            position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": shard.last_read} if shard.last_read else {"ShardIteratorType": "TRIM_HORIZON"}
            shard.iterator = self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard.id, **position)["ShardIterator"]
            answer = self.client.get_records(ShardIterator=shard.iterator, Limit=1000)
        now = time.monotonic()
        for raw in answer.get("Records", []):
            shard.last_read = raw["dynamodb"]["SequenceNumber"]
            record = lambda_record(raw, self.mapping.source_arn)
            if all(not f for f in self.mapping.filters) or any(matches(f, record) for f in self.mapping.filters):
                shard.records.append({**record, "_fetched": now})
        shard.iterator = answer.get("NextShardIterator")
        shard.closed = shard.iterator is None

    def _process(self, shard: Shard) -> None:
        """Deliver the shard's records in order until they are done or a batch must wait for a retry."""
        mapping = self.mapping
        while shard.records and not self._stop.is_set():
            self._expire(shard)
            if not shard.records:
                return
            size = min(mapping.batch_size, shard.limit or mapping.batch_size)
            batch = shard.records[:size]
            window = min(mapping.window, self.max_window)
            if len(batch) < mapping.batch_size and time.monotonic() - batch[0]["_fetched"] < window:
                return  # MaximumBatchingWindowInSeconds: wait for more (loosely, capped by max_window)
            if not self._deliver(shard, batch):
                return

    def _deliver(self, shard: Shard, batch: list[dict]) -> bool:
        """Invoke once; False when the shard must pause before a retry."""
        mapping = self.mapping
        records = [{k: v for k, v in r.items() if k != "_fetched"} for r in batch]
        sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
        invocation = self.functions.invoke(mapping.function, {"Records": records})
        failed: list[str] | None = []
        if invocation.ok and mapping.report_failures:
            failed = failed_items(invocation.result, sequences)
        elif not invocation.ok:
            failed = None
        if failed == []:
            self.console.stream(self.table, len(batch), mapping.function, f"ok ({invocation.duration_ms:.0f} ms)")
            del shard.records[: len(batch)]
            shard.attempts.clear()
            shard.limit = None
            return True
        if failed is None and mapping.bisect and len(batch) > 1:
            shard.limit = math.ceil(len(batch) / 2)
            self.console.stream(self.table, len(batch), mapping.function, f"failed: {invocation.describe_error() or 'malformed batchItemFailures'} → bisect to {shard.limit}")
            return True
        first = 0 if failed is None else sequences.index(failed[0])
        del shard.records[:first]  # checkpoint: everything before the first failure is done
        head = sequences[first]
        count = shard.attempts.get(head, 0) + 1
        shard.attempts = {head: count}
        why = invocation.describe_error() if not invocation.ok else ("malformed batchItemFailures" if failed is None else f"{len(failed)} failed → retry from {head}")
        self.console.stream(self.table, len(batch), mapping.function, f"failed: {why} (attempt {count})")
        if 0 <= mapping.max_retries < count:
            self._give_up(shard, batch[first:], invocation, count, "RetryAttemptsExhausted")
            return True
        self._stop.wait(min(2.0, self.retry_delay * 2 ** (count - 1)))
        return True

    def _expire(self, shard: Shard) -> None:
        if self.mapping.max_age < 0:
            return
        now = time.time()
        old = [r for r in shard.records if now - float(r["dynamodb"].get("ApproximateCreationDateTime") or now) > self.mapping.max_age]
        if old:
            self._give_up(shard, old, None, 0, "RecordAgeExceeded")

    def _give_up(self, shard: Shard, batch: list[dict], invocation, count: int, condition: str) -> None:
        dropped = {id(r) for r in batch}
        shard.records[:] = [r for r in shard.records if id(r) not in dropped]
        shard.attempts.clear()
        shard.limit = None
        first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
        spec = self.functions.find(self.mapping.function)
        record = {
            "requestContext": {"requestId": invocation.request_id if invocation else "", "functionArn": spec.arn, "condition": condition, "approximateInvokeCount": count},
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" if invocation and not invocation.ok else ""},
            "version": "1.0",
            "timestamp": _iso(time.time()),
            "DDBStreamBatchInfo": {
                "shardId": shard.id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime")),
                "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime")),
                "batchSize": len(batch),
                "streamArn": self.mapping.source_arn,
            },
        }
        key = None
        if self.mapping.on_failure and service_of_arn(self.mapping.on_failure) == "s3":
            # Lambda's S3 destination also stores the whole invocation payload, as JSON text.
            record["payload"] = json.dumps({"Records": [{k: v for k, v in r.items() if k != "_fetched"} for r in batch]})
            key = parked_key(self.mapping.logical_id, shard.id, time.time())
        if self.mapping.on_failure:
            self.destinations.send(self.mapping.on_failure, json.dumps(record), key=key)
            self.console.dead_letter(self.destinations.label(self.mapping.on_failure), f"{condition}, {len(batch)} records")
        else:
            self.console.lost(f"{len(batch)} stream records of {self.table}", condition)
