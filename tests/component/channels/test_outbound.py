"""Outbound sync under moto, through its real triggers: AvailabilityChanged and PriceChanged as EventBridge
events into OutboundEvents, the work queue's messages into OutboundSender (moto's SQS: visibility, receive
counts and the redrive policy's dead-letter queue), signed webhooks to a local HTTP server."""

import json
import time
import uuid
from datetime import UTC, datetime

import boto3
import pytest

from catalog.models.events import PriceChanged
from channels.handlers import api, outbound_events, outbound_sender
from channels.logic import outbound, signatures
from inventory.models.events import AvailabilityChanged
from kernel.envelope import Envelope
from omni_local.queues import lambda_message
from support.receiver import receiver
from support.triggers import Context, call, eventbridge_event
from support.webhooks import TEST_SECRETS, forget_cached_secrets


@pytest.fixture
def outbound_queue(channels, monkeypatch):
    """The sender's work queue and its dead-letter queue (5 receives), as the stack builds them."""
    sqs = boto3.client("sqs")
    dlq = sqs.create_queue(QueueName="outbound-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    work = sqs.create_queue(QueueName="outbound-work", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(outbound.MAX_ATTEMPTS)})})["QueueUrl"]
    monkeypatch.setenv("QUEUE_URLS", json.dumps({"OutboundSender": work}))
    monkeypatch.setenv("DEAD_LETTER_URLS", json.dumps({"OutboundSender": dlq}))
    monkeypatch.setattr(outbound, "BACKOFF_BASE_SECONDS", 0)  # tries come back at once here (2 s, 4 s... in AWS)
    forget_cached_secrets()
    return {"work": work, "dlq": dlq, "arn": sqs.get_queue_attributes(QueueUrl=work, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]}


@pytest.fixture
def shop(channels, outbound_queue):
    """The marketplace channel subscribed to availability and prices at a local receiver."""
    with receiver() as server:
        body = {"events": ["availability", "price"], "url": server.url, "rate_per_second": 1000, "coalesce_seconds": 0}
        assert call(api.handler, "PUT", "/v1/channels/marketplace/subscription", body, operator=True)[0] == 200
        assert call(api.handler, "PUT", "/v1/channels/marketplace/mappings/skus/MKT-TEE-S", {"sku": "TEE-S"}, operator=True)[0] == 200
        yield server


def availability(sku: str, available: int, basis: int, channel: str = "marketplace") -> dict:
    event = AvailabilityChanged(sku=sku, channel=channel, available=available, previous=available + 1, crossings=[], basis=basis)
    envelope = Envelope.wrap(event, id=str(uuid.uuid4()), source="omni.inventory", time=datetime.now(UTC), correlation_id="c-1")
    return eventbridge_event({"Source": "omni.inventory", "DetailType": event.TYPE, "Detail": envelope.model_dump_json()})


def price(sku: str, amount: int, seq: int) -> dict:
    event = PriceChanged(sku=sku, product_id="tee", channel="marketplace", currency="EUR", amount=amount, previous_amount=None, seq=seq)
    envelope = Envelope.wrap(event, id=str(uuid.uuid4()), source="omni.catalog", time=datetime.now(UTC), correlation_id="c-2")
    return eventbridge_event({"Source": "omni.catalog", "DetailType": event.TYPE, "Detail": envelope.model_dump_json()})


def deliver(queues: dict, rounds: int = 20) -> int:
    """Lambda's SQS mapping, in the test's thread: receive, invoke, delete what succeeded; until the queue
    is empty (a failed message comes back after its visibility, 0 s here). How many invocations."""
    sqs, invocations = boto3.client("sqs"), 0
    for _ in range(rounds):
        messages = sqs.receive_message(QueueUrl=queues["work"], MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]).get("Messages", [])
        if not messages:
            return invocations
        records = [lambda_message(message, queues["arn"]) for message in messages]
        invocations += 1
        try:
            answer = outbound_sender.handler({"Records": records}, Context())
            failed = {item["itemIdentifier"] for item in answer["batchItemFailures"]}
        except Exception:  # Powertools raises when every record failed: Lambda keeps the whole batch
            failed = {record["messageId"] for record in records}
        done = [record for record in records if record["messageId"] not in failed]
        if done:
            sqs.delete_message_batch(QueueUrl=queues["work"], Entries=[{"Id": str(n), "ReceiptHandle": r["receiptHandle"]} for n, r in enumerate(done)])
    return invocations


def test_an_availability_change_is_sent_signed_with_the_channels_sku(shop, outbound_queue):
    outbound_events.handler(availability("TEE-S", 41, basis=7), Context())
    deliver(outbound_queue)
    [request] = shop.received
    assert request["body"] == {"type": "availability", "channel": "marketplace", "sku": "TEE-S", "channel_sku": "MKT-TEE-S", "version": 7, "available": 41}
    delivery = signatures.verify(TEST_SECRETS["marketplace"], request["headers"], request["raw"], int(time.time()))
    assert delivery.webhook_id == "availability-TEE-S-7"


def test_a_channel_without_a_subscription_to_the_topic_gets_nothing(shop, outbound_queue):
    outbound_events.handler(availability("TEE-S", 3, basis=2, channel="pos"), Context())
    assert call(api.handler, "PUT", "/v1/channels/marketplace/subscription", {"events": ["price"], "url": shop.url, "coalesce_seconds": 0}, operator=True)[0] == 200
    outbound_events.handler(availability("TEE-S", 3, basis=3), Context())
    outbound_events.handler(price("TEE-S", 2199, seq=4), Context())
    deliver(outbound_queue)
    assert [body["type"] for body in shop.accepted] == ["price"]


def test_a_receiver_that_fails_is_retried_then_succeeds(shop, outbound_queue):
    shop.fail_next(503, 500)
    outbound_events.handler(price("TEE-S", 1999, seq=5), Context())
    deliver(outbound_queue)
    assert [request["status"] for request in shop.received] == [503, 500, 200]
    assert [request["headers"]["Omni-Webhook-Id"] for request in shop.received] == ["price-TEE-S-5"] * 3  # one delivery id: the receiver can dedupe
    assert shop.accepted[-1] == {"type": "price", "channel": "marketplace", "sku": "TEE-S", "channel_sku": "MKT-TEE-S", "version": 5, "currency": "EUR", "amount": 1999}
    assert boto3.client("sqs").receive_message(QueueUrl=outbound_queue["dlq"]).get("Messages") is None


def test_a_receiver_that_never_succeeds_ends_in_the_dlq_with_nothing_lost_and_a_redrive_delivers_it(shop, outbound_queue):
    shop.fail_next(*[503] * outbound.MAX_ATTEMPTS)
    outbound_events.handler(availability("TEE-S", 12, basis=9), Context())
    deliver(outbound_queue)
    assert len(shop.received) == outbound.MAX_ATTEMPTS and shop.accepted == []
    depth = boto3.client("sqs").get_queue_attributes(QueueUrl=outbound_queue["dlq"], AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert depth == {"ApproximateNumberOfMessages": "1"}  # nothing lost: the message names the row, which keeps the figure
    assert call(api.handler, "POST", "/v1/outbound/dead-letters/redrive", {"limit": 10}, operator=True) == (200, {"moved": 1, "remaining": 0})
    deliver(outbound_queue)
    assert shop.accepted == [{"type": "availability", "channel": "marketplace", "sku": "TEE-S", "channel_sku": "MKT-TEE-S", "version": 9, "available": 12}]


def test_a_burst_of_100_changes_to_one_sku_sends_a_few_updates_the_last_with_the_final_figure(shop, outbound_queue):
    sends_between = []
    for basis in range(1, 101):
        outbound_events.handler(availability("TEE-S", 1000 - basis, basis=basis), Context())
        if basis % 25 == 0:  # the sender runs now and then during the burst (its coalescing window)
            deliver(outbound_queue)
            sends_between.append(len(shop.accepted))
    deliver(outbound_queue)
    figures = [(body["version"], body["available"]) for body in shop.accepted]
    assert 1 <= len(figures) <= 4 and sends_between == [1, 2, 3, 4]
    assert figures[-1] == (100, 900)
    assert [version for version, _ in figures] == sorted({version for version, _ in figures}), "never an older figure after a newer one"


def test_out_of_order_and_repeated_changes_never_send_an_older_figure(shop, outbound_queue):
    outbound_events.handler(availability("TEE-S", 5, basis=20), Context())
    outbound_events.handler(availability("TEE-S", 99, basis=19), Context())  # late, before anything was sent
    deliver(outbound_queue)
    for basis in (19, 20, 18):  # late and repeated events after the send
        outbound_events.handler(availability("TEE-S", 99, basis=basis), Context())
    deliver(outbound_queue)
    assert [(body["version"], body["available"]) for body in shop.accepted] == [(20, 5)]


def test_the_channels_rate_limit_holds_sends_back_to_the_next_second(shop, outbound_queue):
    assert call(api.handler, "PUT", "/v1/channels/marketplace/subscription", {"events": ["availability"], "url": shop.url, "rate_per_second": 2, "coalesce_seconds": 0}, operator=True)[0] == 200
    for n, sku in enumerate(("TEE-S", "TEE-M", "TEE-L", "TEE-XL", "TEE-XXL")):
        outbound_events.handler(availability(sku, 10, basis=n + 1), Context())
    started = time.monotonic()
    while len(shop.accepted) < 5 and time.monotonic() - started < 60:  # a loaded machine is slow, not wrong
        deliver(outbound_queue, rounds=1)
    per_second: dict[int, int] = {}
    for request in shop.received:
        second = int(request["headers"]["Omni-Webhook-Timestamp"])
        per_second[second] = per_second.get(second, 0) + 1
    assert len(shop.accepted) == 5 and max(per_second.values()) <= 2


def test_an_operator_looks_at_the_dead_letters_without_taking_them(channels, outbound_queue):
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=outbound_queue["dlq"], MessageBody=json.dumps({"channel": "marketplace", "topic": "price", "sku": "TEE-S"}))
    status, letters = call(api.handler, "GET", "/v1/outbound/dead-letters", operator=True)
    assert status == 200 and letters["queue"] == "OutboundSender"
    assert [(m["body"], m["receives"]) for m in letters["messages"]] == [({"channel": "marketplace", "topic": "price", "sku": "TEE-S"}, 1)]
    depth = sqs.get_queue_attributes(QueueUrl=outbound_queue["dlq"], AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert sum(int(value) for value in depth.values()) == 1  # still there
