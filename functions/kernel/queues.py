"""Work queues: fan a job out as messages, and consume them with partial batch failures.

A producer splits work into bounded chunks and sends each as one message (`send_all`); the queue's
consumer (`queue_handler`) processes each message on its own and reports only the failed ones, so
SQS redelivers just those and, after the queue's maxReceiveCount, parks them in its dead-letter queue.
Delivery is at least once: every chunk must be idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from kernel.aws import client
from kernel.observability import observed
from kernel.settings import settings

SEND_BATCH = 10  # SendMessageBatch's limit


class SendFailed(Exception):
    """SQS refused some messages: the caller fails, so its own trigger retries it (chunks are idempotent)."""


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


def queue_handler(process: Callable[[dict], None]):
    """A Lambda handler for an SQS mapping with ReportBatchItemFailures: `process(body)` per message."""
    # Here, not at the top: producers (e.g. the projection's fan-out) import this module too.
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS)

    def record_handler(record) -> None:
        process(json.loads(record.body))

    @observed()
    def handler(event, context):
        return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)

    return handler
