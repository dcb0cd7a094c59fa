"""Republish parked stream batches through their own domain's outbox.

A parked batch is the very invocation the outbox gave up on (its stream records, whole), so handing
it to the same `StreamOutbox` maps the same records with the same mapper into the same event ids: a
consumer that already saw an event (a batch published in part before it was parked, or a redrive
whose removal failed) dedupes it. A batch is removed only once every one of its events was put.
"""

from __future__ import annotations

import importlib
import itertools
import json

from kernel.outbox import StreamOutbox
from kernel.settings import settings
from ops.dal import parked
from ops.models.redrive import ParkedFailure, RedriveResult


class Unredrivable(Exception):
    """The parked object is not a batch of a known outbox's stream."""


def outbox_for(stream_arn: str) -> StreamOutbox:
    """`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>` -> that table's domain outbox."""
    table = stream_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]
    domain = settings().outbox_tables.get(table)
    if domain is None:
        raise Unredrivable(f"no outbox reads the stream of table {table!r}")
    return importlib.import_module(f"{domain}.handlers.outbox").outbox


def batch_of(record: bytes) -> tuple[str, dict]:
    """(stream ARN, the invocation's event) of an on-failure record; Lambda writes `payload` as JSON text."""
    try:
        document = json.loads(record)
        payload = document["payload"]
        event = json.loads(payload) if isinstance(payload, str) else payload
        stream_arn = document["DDBStreamBatchInfo"]["streamArn"]
    except (ValueError, KeyError, TypeError) as error:
        raise Unredrivable(f"not an on-failure record with its payload: {error!r}") from error
    if not isinstance(event, dict) or not isinstance(event.get("Records"), list) or not event["Records"]:
        raise Unredrivable("the record carries no stream records (written by an SQS or SNS destination?)")
    return stream_arn, event


def redrive_one(key: str) -> int | None:
    """Republish one parked batch and remove it; the number of its records, or None when another
    redrive (a second operator) took it first."""
    record = parked.read(key)
    if record is None:
        return None
    stream_arn, event = batch_of(record)
    answer = outbox_for(stream_arn).publish(event)
    if answer["batchItemFailures"]:
        raise Unredrivable(f"the bus refused events from record {answer['batchItemFailures'][0]['itemIdentifier']} on")
    parked.remove(key)
    return len(event["Records"])


def redrive(limit: int) -> RedriveResult:
    redriven = records = 0
    failed: list[ParkedFailure] = []
    for key in itertools.islice(parked.keys(), limit):
        try:
            done = redrive_one(key)
        except Unredrivable as error:
            failed.append(ParkedFailure(key=key, reason=str(error)))
            continue
        if done is not None:
            records += done
            redriven += 1
    return RedriveResult(redriven=redriven, records=records, failed=failed, remaining=sum(1 for _ in parked.keys()))
