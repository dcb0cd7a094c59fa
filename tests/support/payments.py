"""Payments on the local runtime: orders' events put on the bus (standing in for orders until it lands),
the events payments publishes, and the Stripe stand-in's webhooks."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta


def order_id() -> str:
    return uuid.uuid4().hex


def envelope(kind: str, data: dict, source: str = "omni.orders") -> dict:
    return {"id": str(uuid.uuid4()), "type": kind, "version": 1, "source": source, "time": datetime.now(UTC).isoformat(), "correlation_id": f"test-{kind}", "data": data}


def order_placed(
    order: str, *, total: int = 4200, currency: str = "EUR", channel: str = "web", customer: str | None = "shopper-pay", payment: str = "online", pay_in: int = 3600, delivery: str = "pickup"
) -> dict:
    pay_by = (datetime.now(UTC) + timedelta(seconds=pay_in)).isoformat() if payment == "online" else None
    return {
        "order_id": order,
        "number": f"W-{order[:6].upper()}",
        "channel": channel,
        "channel_kind": "storefront" if channel in ("web", "app") else "store",
        "origin": "checkout",
        "channel_order_id": None,
        "customer_id": customer,
        "contact": {"email": None, "phone": None},
        "currency": currency,
        "subtotal": total,
        "shipping": 0,
        "tax": 0,
        "grand_total": total,
        "tax_inclusive": True,
        "payment": payment,
        "pay_by": pay_by,
        "delivery": delivery,
        "pickup_location_id": "paris" if delivery == "pickup" else None,
        "lines": [{"line": "1", "sku": "TEE-S", "quantity": 1, "unit_price": total, "line_total": total, "location_id": "paris"}],
        "placed_at": datetime.now(UTC).isoformat(),
    }


def status_changed(order: str, to_status: str, version: int, *, total: int = 4200, currency: str = "EUR") -> dict:
    return {
        "order_id": order,
        "number": "W-1",
        "channel": "web",
        "customer_id": None,
        "from_status": "placed",
        "to_status": to_status,
        "reason": None,
        "version": version,
        "at": datetime.now(UTC).isoformat(),
        "grand_total": total,
        "currency": currency,
    }


class Bus:
    """Put orders' events on the local omni bus, and read what payments published (a moto rule into a queue)."""

    def __init__(self, runtime, name: str):
        self.runtime = runtime
        self.events = runtime.client("events")
        self.sqs = runtime.client("sqs")
        self.bus = next(bus["Name"] for bus in self.events.list_event_buses()["EventBuses"] if bus["Name"].startswith("omni-"))
        self.url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.events.put_rule(Name=name, EventBusName=self.bus, EventPattern=json.dumps({"source": ["omni.payments"]}))
        self.events.put_targets(Rule=name, EventBusName=self.bus, Targets=[{"Id": "queue", "Arn": arn}])
        self.seen: list[dict] = []

    def put(self, kind: str, data: dict) -> None:
        entry = {"Source": "omni.orders", "DetailType": kind, "Detail": json.dumps(envelope(kind, data)), "EventBusName": self.bus}
        assert self.events.put_events(Entries=[entry])["FailedEntryCount"] == 0

    def published(self, kind: str | None = None, order: str | None = None) -> list[dict]:
        """Every payments event so far (the envelope's data), optionally of one type and order."""
        while messages := self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", []):
            self.seen += [json.loads(message["Body"]) for message in messages]
            self.sqs.delete_message_batch(QueueUrl=self.url, Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)])
        return [
            {"type": event["detail-type"], **event["detail"]["data"]}
            for event in self.seen
            if (kind is None or event["detail-type"] == kind) and (order is None or event["detail"]["data"].get("order_id") == order)
        ]


def settle(runtime, timeout: float = 30) -> None:
    """Let the stand-in's webhooks, then every stream, rule and queue, finish."""
    runtime.stripe.wait_delivered(timeout)
    runtime.wait_idle(timeout)
    runtime.stripe.wait_delivered(timeout)
    runtime.wait_idle(timeout)
