"""SQS event source mappings: poll the queue in moto, feed the function, delete what succeeded.

A handler error leaves the whole batch on the queue; with ReportBatchItemFailures only the reported
messages stay. They come back after the queue's visibility timeout (or `retry_visibility` seconds, a
local shortcut, when set), and moto itself moves a message to the redrive policy's dead-letter queue
once it has been received maxReceiveCount times, exactly as SQS does.
"""

from __future__ import annotations

import base64
import time

from omni_local.loops import Poller
from omni_local.mappings import Mapping, failed_items
from omni_local.patterns import matches
from omni_local.physical import REGION, queue_url_from_arn
from omni_local.trace import short


def lambda_message(message: dict, source_arn: str) -> dict:
    """An SQS message as Lambda delivers it."""
    attributes = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        attributes[name] = {
            "stringValue": value.get("StringValue"),
            "binaryValue": base64.b64encode(value["BinaryValue"]).decode() if value.get("BinaryValue") else None,
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value.get("DataType", "String"),
        }
        attributes[name] = {k: v for k, v in attributes[name].items() if v is not None}
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": message.get("Attributes") or {},
        "messageAttributes": attributes,
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": source_arn,
        "awsRegion": REGION,
    }


class QueuePoller(Poller):
    def __init__(self, mapping: Mapping, sqs_endpoint: str, client, functions, console, activity, interval: float = 0.2, retry_visibility: int | None = None, max_window: float = 0.5):
        super().__init__(f"queue:{mapping.logical_id}", console, activity, interval)
        self.mapping, self.client, self.functions = mapping, client, functions
        self.retry_visibility, self.max_window = retry_visibility, max_window
        self.url = queue_url_from_arn(mapping.source_arn, sqs_endpoint)
        self.queue = mapping.source_arn.rsplit(":", 1)[-1]

    def poll_once(self) -> bool:
        messages = self._receive()
        if messages:
            with self.activity.busy(f"queue {short(self.queue)} batch of {len(messages)} → {short(self.mapping.function)}"):
                self._deliver(messages)
        return bool(messages)

    def _receive(self) -> list[dict]:
        """Up to BatchSize messages, gathering for at most the batching window (capped locally)."""
        messages: list[dict] = []
        deadline = time.monotonic() + min(self.mapping.window, self.max_window)
        while len(messages) < self.mapping.batch_size:
            answer = self.client.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=min(10, self.mapping.batch_size - len(messages)),
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            )
            received = answer.get("Messages", [])
            messages.extend(received)
            if not received and time.monotonic() >= deadline:
                break
            if not received:
                time.sleep(0.05)
        return messages

    def _deliver(self, messages: list[dict]) -> None:
        mapping = self.mapping
        records = [lambda_message(m, mapping.source_arn) for m in messages]
        if any(mapping.filters):  # Lambda deletes what its filters reject
            rejected = [r for r in records if not any(matches(f, r) for f in mapping.filters if f)]
            self._delete(rejected)
            records = [r for r in records if r not in rejected]
            if not records:
                return
        invocation = self.functions.invoke(mapping.function, {"Records": records})
        ids = [r["messageId"] for r in records]
        failed = failed_items(invocation.result, ids) if invocation.ok and mapping.report_failures else ([] if invocation.ok else None)
        if failed == []:
            self._delete(records)
            self.console.queue(self.queue, len(records), mapping.function, f"ok ({invocation.duration_ms:.0f} ms)")
            return
        kept = records if failed is None else [r for r in records if r["messageId"] in failed]
        self._delete([r for r in records if r not in kept])
        why = invocation.describe_error() if not invocation.ok else ("malformed batchItemFailures" if failed is None else f"{len(kept)} failed, left for redrive")
        self.console.queue(self.queue, len(records), mapping.function, f"failed: {why}")
        if self.retry_visibility is not None:
            for record in kept:
                self.client.change_message_visibility(QueueUrl=self.url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=self.retry_visibility)

    def _delete(self, records: list[dict]) -> None:
        for start in range(0, len(records), 10):
            chunk = records[start : start + 10]
            self.client.delete_message_batch(QueueUrl=self.url, Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)])
