"""Profiles under test: its table and secret under moto (or DynamoDB Local), and the contract's events
from orders, payments and channels built as those domains publish them."""

from __future__ import annotations

import contextlib
import json
import uuid
from datetime import UTC, datetime

import boto3

from kernel.envelope import DomainEvent, Envelope
from support.triggers import Context, eventbridge_event

TEST_KEY = "profiles-test-identifier-key"


def forget_caches() -> None:
    from aws_lambda_powertools.utilities import parameters

    from profiles.logic import rules

    parameters.clear_caches()
    rules.rules.cache_clear()


@contextlib.contextmanager
def identifier_key(monkeypatch, endpoint: str | None = None):
    """The domain's HMAC key in Secrets Manager (moto), its ARN in SECRETS as CDK sets it."""
    manager = boto3.client("secretsmanager", endpoint_url=endpoint) if endpoint else boto3.client("secretsmanager")
    arn = manager.create_secret(Name=f"omni/test/profiles/identifier-key-{uuid.uuid4().hex[:6]}", SecretString=TEST_KEY)["ARN"]
    monkeypatch.setenv("SECRETS", json.dumps({"identifier-key": arn}))
    from kernel import settings

    settings.settings.cache_clear()
    forget_caches()
    yield arn
    forget_caches()


def bus_event(source: str, detail_type: str, data: dict, event_id: str | None = None, time: str | None = None) -> dict:
    envelope = {"id": event_id or str(uuid.uuid4()), "type": detail_type, "version": 1, "source": source, "time": time or datetime.now(UTC).isoformat(), "correlation_id": "c-1", "data": data}
    return eventbridge_event({"Source": source, "DetailType": detail_type, "Detail": json.dumps(envelope)}, envelope["id"])


def order_placed(
    order_id: str,
    *,
    customer_id=None,
    email=None,
    phone=None,
    channel="web",
    channel_kind="storefront",
    total=5000,
    payment="online",
    placed_at="2026-11-20T10:00:00Z",
    origin="checkout",
    channel_order_id=None,
    lines=None,
) -> dict:
    return bus_event(
        "omni.orders",
        "OrderPlaced",
        {
            "order_id": order_id,
            "number": f"W-{order_id[-6:].upper()}",
            "channel": channel,
            "channel_kind": channel_kind,
            "origin": origin,
            "channel_order_id": channel_order_id,
            "customer_id": customer_id,
            "contact": {"email": email, "phone": phone},
            "currency": "EUR",
            "subtotal": total,
            "shipping": 0,
            "tax": 0,
            "grand_total": total,
            "tax_inclusive": True,
            "payment": payment,
            "pay_by": None,
            "delivery": "ship",
            "pickup_location_id": None,
            "lines": lines or [{"line": "1", "sku": "TEE-S", "quantity": 2, "unit_price": total // 2, "line_total": total, "location_id": "paris"}],
            "placed_at": placed_at,
        },
    )


def order_paid(order_id: str, amount: int = 5000) -> dict:
    return bus_event("omni.payments", "OrderPaid", {"order_id": order_id, "amount": amount, "currency": "EUR", "tenders": ["card"]})


def refund_issued(refund_id: str, order_id: str, amount: int) -> dict:
    return bus_event("omni.payments", "RefundIssued", {"refund_id": refund_id, "order_id": order_id, "amount": amount, "currency": "EUR", "tenders": [{"tender": "card", "amount": amount}]})


def return_received(return_id: str, order_id: str, sku: str = "TEE-S", received: int = 1) -> dict:
    return bus_event(
        "omni.orders",
        "ReturnReceived",
        {"return_id": return_id, "order_id": order_id, "channel": "pos", "location_id": "paris", "lines": [{"sku": sku, "received": received, "damaged": 0}], "at": "2026-11-25T10:00:00Z"},
    )


def status_changed(order_id: str, to_status: str, version: int, total: int = 5000) -> dict:
    return bus_event(
        "omni.orders",
        "OrderStatusChanged",
        {
            "order_id": order_id,
            "number": "W-1",
            "channel": "web",
            "customer_id": None,
            "from_status": "placed",
            "to_status": to_status,
            "reason": None,
            "version": version,
            "at": f"2026-11-2{version}T10:00:00Z",
            "grand_total": total,
            "currency": "EUR",
        },
    )


def channel_order(channel_order_id: str, *, channel="marketplace", channel_customer_id=None, email=None, phone=None, name=None) -> dict:
    return bus_event(
        "omni.channels",
        "ChannelOrderReceived",
        {
            "channel": channel,
            "channel_kind": "marketplace",
            "channel_order_id": channel_order_id,
            "webhook_id": f"wh-{channel_order_id}",
            "currency": "EUR",
            "lines": [{"sku": "TEE-S", "quantity": 1, "unit_price": 2500, "location_id": "paris"}],
            "subtotal": 2500,
            "shipping": 0,
            "tax": 0,
            "grand_total": 2500,
            "customer": {"channel_customer_id": channel_customer_id, "email": email, "phone": phone, "name": name},
            "fulfilled": False,
            "placed_at": "2026-11-21T10:00:00Z",
        },
    )


def deliver(event: dict) -> None:
    from profiles.handlers import consumer

    consumer.handler(event, Context())


def published(domain, mapper_source: str = "omni.profiles") -> list[DomainEvent | Envelope]:
    """Run the table's new stream records through the outbox mapper: the events they become."""
    from kernel.outbox import change_of
    from profiles.logic.events import events_from_change

    return [event for record in domain.stream_records() for event in events_from_change(change_of(record))]
