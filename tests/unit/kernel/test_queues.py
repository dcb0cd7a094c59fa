"""The work-queue consumer reads SQS records as plain dicts (decision 17) and reports exactly what Powertools'
BatchProcessor reported before: each failed message by id, an error when every message failed."""

from __future__ import annotations

import json

import pytest

from kernel import queues
from omni_local.queues import lambda_message
from support.triggers import Context

QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:LocationRecompute"


def batch(*bodies: dict, receives: int = 1) -> dict:
    messages = [{"MessageId": f"m{n}", "ReceiptHandle": f"r{n}", "Body": json.dumps(body), "Attributes": {"ApproximateReceiveCount": str(receives)}, "MD5OfBody": ""} for n, body in enumerate(bodies)]
    return {"Records": [lambda_message(message, QUEUE_ARN) for message in messages]}


def process(body: dict) -> None:
    if body.get("fail"):
        raise ValueError(f"chunk {body['n']} failed")


def powertools_answer(event: dict) -> dict | type[Exception]:
    """What the handler answered through Powertools' batch utility (the code before decision 17's last pass)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    try:
        return process_partial_response(event=event, record_handler=lambda record: process(json.loads(record.body)), processor=BatchProcessor(event_type=EventType.SQS), context=Context())
    except BatchProcessingError:
        return Exception


def answer(event: dict) -> dict | type[Exception]:
    try:
        return queues.queue_handler(process)(event, Context())
    except queues.AllMessagesFailed:
        return Exception


@pytest.mark.parametrize(
    "fails",
    [(), (1,), (0, 2), (0, 1, 2)],
    ids=["none failed", "one failed", "two of three failed", "all failed"],
)
def test_the_consumer_reports_what_powertools_batch_processor_reported(fails):
    event = batch(*({"n": n, "fail": n in fails} for n in range(3)))
    expected = powertools_answer(event)
    assert answer(event) == expected
    if fails and len(fails) < 3:
        assert expected == {"batchItemFailures": [{"itemIdentifier": f"m{n}"} for n in fails]}


def test_every_message_failed_fails_the_invocation_so_the_batch_is_redelivered():
    with pytest.raises(queues.AllMessagesFailed, match="2 errors"):
        queues.queue_handler(process)(batch({"n": 0, "fail": True}, {"n": 1, "fail": True}), Context())


def test_a_retry_later_delays_its_message_and_reports_it_failed(monkeypatch):
    calls = []

    class FakeSqs:
        def change_message_visibility(self, **arguments):
            calls.append(arguments)

    def later(body: dict, attempt: int) -> None:
        if body["n"] == 1:
            raise queues.RetryLater(seconds=30 * attempt)

    monkeypatch.setattr(queues, "client", lambda name: FakeSqs())
    monkeypatch.setattr(queues, "_url_of", lambda arn: f"https://sqs/{arn.rsplit(':', 1)[-1]}")
    result = queues.queue_handler(later, with_attempt=True)(batch({"n": 0}, {"n": 1}, receives=3), Context())
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert calls == [{"QueueUrl": "https://sqs/LocationRecompute", "ReceiptHandle": "r1", "VisibilityTimeout": 90}]
