"""Work queues: fan a job out as messages, and consume them with partial batch failures.

A producer splits work into bounded chunks and sends each as one message (`send_all`); the queue's
consumer (`queue_handler`) processes each message on its own and reports only the failed ones, so
SQS redelivers just those and, after the queue's maxReceiveCount, parks them in its dead-letter queue.
Delivery is at least once: every chunk must be idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache

from kernel.aws import client
from kernel.observability import observed
from kernel.settings import settings

SEND_BATCH = 10  # SendMessageBatch's limit


class SendFailed(Exception):
    """SQS refused some messages: the caller fails, so its own trigger retries it (chunks are idempotent)."""


class RetryLater(Exception):
    """Raised by a message's processing: the message failed and comes back after `seconds` (backoff)
    rather than after the queue's visibility timeout; after maxReceiveCount tries, the dead-letter queue."""

    def __init__(self, seconds: int, why: str = ""):
        super().__init__(why or f"retry in {seconds} s")
        self.seconds = seconds


def send_all(queue: str, bodies: Iterable[dict]) -> int:
    """Send each body as one message to the work queue named `queue` (QUEUE_URLS); how many were sent."""
    url = settings().queue_urls[queue]
    batch: list[dict] = []
    sent = 0
    for body in bodies:
        batch.append({"Id": str(len(batch)), "MessageBody": json.dumps(body)})
        if len(batch) == SEND_BATCH:
            sent += _send(url, batch)
            batch = []
    if batch:
        sent += _send(url, batch)
    return sent


def _send(url: str, batch: list[dict]) -> int:
    answer = client("sqs").send_message_batch(QueueUrl=url, Entries=batch)
    if answer.get("Failed"):
        raise SendFailed(f"{len(answer['Failed'])} of {len(batch)} messages refused: {answer['Failed'][0]}")
    return len(batch)


class AllMessagesFailed(Exception):
    """Every message of the batch failed: the invocation fails, and SQS redelivers the batch whole."""


def queue_handler(process: Callable[..., None], *, with_attempt: bool = False):
    """A Lambda handler for an SQS mapping with ReportBatchItemFailures: `process(body)` per message
    (`process(body, attempt)` with `with_attempt`: 1 on the first try). A RetryLater sets the message's
    visibility to its backoff before the message is reported failed.

    The records are read as the plain dicts Lambda delivers, as Powertools' BatchProcessor would report
    them (each failed message by id; every message failed: an error): its batch and data classes packages
    cost a queue function ~30 ms of imports on each cold start (decision 17)."""

    def process_one(record: dict) -> None:
        try:
            if with_attempt:  # Lambda's records carry it; hand-built ones may not
                process(json.loads(record["body"]), int((record.get("attributes") or {}).get("ApproximateReceiveCount") or 1))
            else:
                process(json.loads(record["body"]))
        except RetryLater as retry:
            url = _url_of(record["eventSourceARN"])
            client("sqs").change_message_visibility(QueueUrl=url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=min(43_200, retry.seconds))
            raise

    @observed()
    def handler(event, context):
        records = event.get("Records") or []
        failed, errors = [], []
        for record in records:
            try:
                process_one(record)
            except Exception as error:  # reported below; the other messages go on
                failed.append({"itemIdentifier": record["messageId"]})
                errors.append(error)
        if records and len(failed) == len(records):
            raise AllMessagesFailed(f"All records failed processing. {len(errors)} errors: {'; '.join(map(repr, errors))}") from errors[-1]
        return {"batchItemFailures": failed}

    return handler


@cache
def _url_of(queue_arn: str) -> str:
    name, account = queue_arn.rsplit(":", 1)[-1], queue_arn.split(":")[4]
    return client("sqs").get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]


def send_one(queue: str, body: dict, delay_seconds: int = 0) -> None:
    """One message to the work queue `queue`, delivered after `delay_seconds` (at most 900)."""
    client("sqs").send_message(QueueUrl=settings().queue_urls[queue], MessageBody=json.dumps(body), DelaySeconds=max(0, min(900, delay_seconds)))


def dead_letters(queue: str, limit: int = 10) -> list[dict]:
    """A look at up to `limit` (≤ 10) messages of the work queue's dead-letter queue, left there: each
    is invisible for a few seconds, as any receive makes it. [{message_id, body, receives, sent_at}]."""
    answer = client("sqs").receive_message(QueueUrl=settings().dead_letter_urls[queue], MaxNumberOfMessages=max(1, min(10, limit)), VisibilityTimeout=5, MessageSystemAttributeNames=["All"])
    return [_letter(message) for message in answer.get("Messages", [])]


def _letter(message: dict) -> dict:
    attributes = message.get("Attributes") or {}
    try:
        body = json.loads(message.get("Body") or "{}")
    except ValueError:
        body = {"unreadable": message.get("Body")}
    sent = attributes.get("SentTimestamp")
    return {"message_id": message["MessageId"], "body": body if isinstance(body, dict) else {"value": body}, "receives": int(attributes.get("ApproximateReceiveCount", 0)), "sent_at": sent}


def redrive(queue: str, limit: int) -> tuple[int, int]:
    """Move up to `limit` messages from the work queue's dead-letter queue back to it (each sent before it
    is deleted: at least once, like every delivery). (moved, left in the dead-letter queue, approximately)."""
    sqs, dlq = client("sqs"), settings().dead_letter_urls[queue]
    moved = 0
    while moved < limit:
        messages = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=min(10, limit - moved), VisibilityTimeout=30).get("Messages", [])
        if not messages:
            break
        _send(settings().queue_urls[queue], [{"Id": str(n), "MessageBody": message["Body"]} for n, message in enumerate(messages)])
        sqs.delete_message_batch(QueueUrl=dlq, Entries=[{"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]} for n, message in enumerate(messages)])
        moved += len(messages)
    left = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]
    return moved, int(left)
