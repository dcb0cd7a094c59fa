"""The webhook processor on real stream records of the payments table (moto, one thread): each stored
provider event is applied once, a record that cannot be applied is reported as the batch item failure
(so Lambda retries from it and, at the end, dead-letters it), and the outbox publishes what was applied."""

from __future__ import annotations

import json

import pytest

from payments.dal import inbox
from payments.handlers import orders_events, outbox, webhook_processor
from support.moto_domain import moto_domain
from support.payments import envelope, order_placed
from support.triggers import Context, eventbridge_event, stream_event

NOW = "2026-12-02T10:00:00.000000Z"


@pytest.fixture
def payments(cdk_out, fresh_table_name):
    with moto_domain(cdk_out, "payments", fresh_table_name) as domain:
        domain.queue = domain.capture_bus("omni.payments")
        yield domain


def intent_event(event_id: str, order: str, status: str = "requires_capture") -> dict:
    intent = {"id": f"pi_{order}", "amount": 4200, "amount_capturable": 4200, "amount_received": 0, "currency": "eur", "status": status, "metadata": {"order_id": order}}
    return {"id": event_id, "object": "event", "type": "payment_intent.amount_capturable_updated", "created": 1, "data": {"object": intent}}


def test_records_are_applied_once_and_the_first_failing_one_is_reported(payments):
    orders_events.handler(eventbridge_event({"Source": "omni.orders", "DetailType": "OrderPlaced", "Detail": json.dumps(envelope("OrderPlaced", order_placed("o-1")))}), Context())
    payments.stream_records()  # the order copy: not the processor's
    inbox.record("stripe", "evt_1", "payment_intent.amount_capturable_updated", json.dumps(intent_event("evt_1", "o-1")), NOW, 1)
    inbox.record("stripe", "evt_broken", "payment_intent.succeeded", "{not json", NOW, 1)
    inbox.record("stripe", "evt_3", "payment_intent.amount_capturable_updated", json.dumps(intent_event("evt_3", "o-1")), NOW, 1)
    records = payments.stream_records()
    answer = webhook_processor.handler(stream_event(records, payments.stream_arn), Context())
    assert answer == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}

    items = {(item["pk"]["S"], item["sk"]["S"]): item for item in payments.items()}
    assert items[("INBOX#stripe", "evt_1")]["outcome"]["S"] == "applied"
    assert "outcome" not in items[("INBOX#stripe", "evt_3")]  # after the failure: left for the retry
    assert [sk for pk, sk in items if pk == "PAY#o-1" and sk.startswith("TX#")] == ["TX#stripe#pi_o-1#authorize"]

    changes = payments.stream_records()
    assert outbox.handler(stream_event(changes, payments.stream_arn), Context()) == {"batchItemFailures": []}
    published = sorted(event["detail-type"] for event in payments.captured(payments.queue))
    assert published == ["OrderPaid", "PaymentAuthorized"]

    # The retry from the failed record: the broken one fails again, nothing is applied twice.
    again = webhook_processor.handler(stream_event(records[1:], payments.stream_arn), Context())
    assert again == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}
    assert webhook_processor.handler(stream_event(records[2:], payments.stream_arn), Context()) == {"batchItemFailures": []}
    assert len([1 for item in payments.items() if item["pk"]["S"] == "PAY#o-1" and item["sk"]["S"].startswith("TX#")]) == 1
