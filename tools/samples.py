"""Write events/samples/<Function>/*.json: one or more real trigger payloads for every function, built
by the same code the local runtime uses. `python tools/samples.py`; send one into a running
`make dev` with `make invoke FUNCTION=InventoryApi EVENT=events/samples/InventoryApi/post-adjustment.json`.

Channel-key routes carry the placeholder ${channel-key-id:<channel>} where API Gateway puts the API
key id; the local invoke command replaces it with the running runtime's id for that channel.

Webhook samples are signed with SAMPLE_WEBHOOK_SECRET at a fixed time, so they show exactly what a
channel sends; a running system has its own secrets and clock: send a body signed now with
`python tools/omni_cli.py webhook pos events/samples/ChannelsApi/post-webhook-sale.json`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "events" / "samples"
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "local")]

from omni_local.eventbridge import build_event  # noqa: E402
from omni_local.proxy_event import HttpRequest, proxy_event  # noqa: E402
from omni_local.queues import lambda_message  # noqa: E402
from webhook_deliveries import signed_headers, webhook_event  # noqa: E402

OPERATOR = {"userArn": "arn:aws:iam::000000000000:user/local-operator", "caller": "AIDALOCALOPERATOR", "accessKey": "LOCALOPERATORKEY"}


def channel(name: str) -> dict:
    return {"apiKeyId": "${channel-key-id:" + name + "}"}


def api(method: str, resource: str, path: str, body=None, identity=None, query=None, claims=None) -> dict:
    data = json.dumps(body).encode() if body is not None else b""
    request = HttpRequest(method, path, urlencode(query or {}, doseq=True), [("Content-Type", "application/json")], data, "203.0.113.7", "api.omni.local")
    event = proxy_event(
        request, resource=resource, resource_id="sample", path_parameters={}, stage="dev", api_id="sample", identity=identity or {}, authorizer={"claims": claims} if claims else None, binary_types=[]
    )
    event["requestContext"].update(requestId="00000000-0000-4000-8000-000000000001", requestTimeEpoch=1795420800000, requestTime="23/Nov/2026:12:00:00 +0000", extendedRequestId="sample")
    event["headers"]["X-Amzn-Trace-Id"] = event["multiValueHeaders"]["X-Amzn-Trace-Id"][0] = "Root=1-00000000-000000000000000000000000"
    return event


def checkout_sample() -> dict:
    body = {"lines": [{"sku": "TEE-ORG-S", "quantity": 2, "unit_price": 1999}], "delivery": "pickup", "pickup_location_id": "paris-rivoli"}
    event = api("POST", "/v1/checkout", "/v1/checkout", body, identity=channel("web"), claims={"sub": "alice", "token_use": "id"})
    event["headers"]["Idempotency-Key"] = "checkout-7f3a"
    event["multiValueHeaders"]["Idempotency-Key"] = ["checkout-7f3a"]
    return event


SAMPLE_WEBHOOK_SECRET = "sample-webhook-secret-not-used-anywhere"
SAMPLE_TIME = 1795420800  # 2026-11-23T12:00:00Z, the time of every sample


def webhook(channel_id: str, webhook_id: str, body: dict, door: str = "", topic: str = "") -> dict:
    """POST /v1/webhooks/<channel_id>[/shopify|/marketplace] as a channel's server sends it: signed, no API key."""
    data = json.dumps(body).encode()
    signed = signed_headers(door, SAMPLE_WEBHOOK_SECRET, webhook_id, data, at=SAMPLE_TIME, topic=topic)
    event = webhook_event(channel_id, data, signed, door=door, host="api.omni.local", stage="dev", api_id="sample")
    event["requestContext"].update(requestId="00000000-0000-4000-8000-000000000002", requestTimeEpoch=SAMPLE_TIME * 1000, requestTime="23/Nov/2026:12:00:00 +0000", extendedRequestId="sample")
    event["headers"]["X-Amzn-Trace-Id"] = event["multiValueHeaders"]["X-Amzn-Trace-Id"][0] = "Root=1-00000000-000000000000000000000000"
    return event


def stripe_webhook(event: dict) -> dict:
    """POST /v1/webhooks/payments/stripe as Stripe sends it: Stripe-Signature over '<t>.<raw body>'."""
    from omni_local.stripe_standin import sign

    data = json.dumps(event)
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Stripe-Signature", sign(SAMPLE_WEBHOOK_SECRET, data, SAMPLE_TIME))]
    request = HttpRequest("POST", "/v1/webhooks/payments/stripe", "", headers, data.encode(), "3.18.12.63", "api.omni.local")
    event = proxy_event(
        request, resource="/v1/webhooks/payments/{provider}", resource_id="sample", path_parameters={"provider": "stripe"}, stage="dev", api_id="sample", identity={}, authorizer=None, binary_types=[]
    )
    event["requestContext"].update(requestId="00000000-0000-4000-8000-000000000003", requestTimeEpoch=SAMPLE_TIME * 1000, requestTime="23/Nov/2026:12:00:00 +0000", extendedRequestId="sample")
    event["headers"]["X-Amzn-Trace-Id"] = event["multiValueHeaders"]["X-Amzn-Trace-Id"][0] = "Root=1-00000000-000000000000000000000000"
    return event


def bus_event(source: str, detail_type: str, data: dict) -> dict:
    detail = {"id": "5c0b3c6e-8a55-5f63-9a29-2f1c9a0d0001", "type": detail_type, "version": 1, "source": source, "time": "2026-11-23T12:00:00Z", "correlation_id": "sample-correlation", "data": data}
    event = build_event({"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), "Time": 1795420800}, "b1a9c5f0-0000-4000-8000-000000000001")
    return event


def stream(table: str, records: list[tuple[str, dict | None, dict]]) -> dict:
    from boto3.dynamodb.types import TypeSerializer

    typed = TypeSerializer().serialize
    out = []
    for number, (name, old, new) in enumerate(records, 1):
        body = {
            "ApproximateCreationDateTime": 1795420800,
            "Keys": {"pk": typed(new["pk"]), "sk": typed(new["sk"])},
            "SequenceNumber": f"{number:021d}",
            "SizeBytes": 200,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
            "NewImage": {k: typed(v) for k, v in new.items()},
        }
        if old:
            body["OldImage"] = {k: typed(v) for k, v in old.items()}
        out.append(
            {
                "eventID": f"sample-{number}",
                "eventName": name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "dynamodb": body,
                "eventSourceARN": f"arn:aws:dynamodb:us-east-1:000000000000:table/{table}/stream/2026-11-23T00:00:00.000",
            }
        )
    return {"Records": out}


def queue(queue_name: str, bodies: list[dict]) -> dict:
    """SQS messages as Lambda delivers them from a work queue."""
    arn = f"arn:aws:sqs:us-east-1:000000000000:{queue_name}"
    messages = [
        {
            "MessageId": f"00000000-0000-4000-8000-00000000010{n}",
            "ReceiptHandle": f"sample-receipt-{n}",
            "Body": json.dumps(body),
            "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": str(SAMPLE_TIME * 1000)},
            "MD5OfBody": "",
        }
        for n, body in enumerate(bodies)
    ]
    return {"Records": [lambda_message(message, arn) for message in messages]}


POS_SALE = {"type": "sale", "data": {"lines": [{"sku": "TEE-ORG-S", "location_id": "paris-rivoli", "quantity": 2}, {"sku": "MUG-STONE-BLUE", "location_id": "paris-rivoli", "quantity": 1}]}}
POS_RECEIPT = {"type": "receipt", "data": {"sku": "TEE-ORG-M", "location_id": "paris-rivoli", "quantity": 24}}
# The sample orders are sam's, a shopper of no demo order: on the shared e2e runtime their events reach profiles, and an
# order orders never booked in alice's profile would fail (and retry) every later attribution of hers.
ORDER_ITEM = {
    "pk": "ORDER#5f0c9a3e2b7d4e61a8c3f2d1e0b9a871", "sk": "ORDER", "type": "order", "order_id": "5f0c9a3e2b7d4e61a8c3f2d1e0b9a871", "number": "W-7K3QX2",
    "channel": "web", "channel_kind": "storefront", "origin": "checkout", "customer_id": "sam", "contact": {"email": "sam@example.com"},
    "status": "awaiting_payment", "version": 1, "delivery_mode": "pickup", "delivery": "pickup", "payment": "online", "paid": False,
    "pay_by": "2026-11-23T12:30:00.000000Z", "pickup_location_id": "paris-rivoli",
    "lines": [{"line": "1", "sku": "TEE-ORG-S", "quantity": 2, "unit_price": 1999, "line_total": 3998, "tax": 666, "location_id": "paris-rivoli", "fulfilment_id": "F1"}],
    "fulfilments": [{"fulfilment_id": "F1", "location_id": "paris-rivoli", "kind": "pickup", "lines": ["1"], "status": "pending"}],
    "totals": {"currency": "EUR", "subtotal": 3998, "shipping": 0, "tax": 666, "grand_total": 3998, "tax_inclusive": True},
    "timeline": [{"at": "2026-11-23T12:00:00.000000Z", "kind": "status", "status": "awaiting_payment", "message": "placed on web; awaiting payment"}],
    "placed_at": "2026-11-23T12:00:00.000000Z", "updated_at": "2026-11-23T12:00:00.000000Z", "correlation_id": "sample-correlation",
}
FORMATS = ROOT / "events" / "formats"  # real-format bodies of every inbound format
INBOX_ITEM = {
    "pk": "WEBHOOK#pos",
    "sk": "pos-7731-0042",
    "gsi1pk": "INBOX#pos#received",
    "gsi1sk": "2026-11-23T12:00:00.000000Z#pos-7731-0042",
    "type": "webhook",
    "channel": "pos",
    "channel_kind": "store",
    "format": "omni",
    "topic": "sale",
    "webhook_id": "pos-7731-0042",
    "sent_at": str(SAMPLE_TIME),
    "raw": json.dumps(POS_SALE),
    "raw_encoding": "utf-8",
    "received_at": "2026-11-23T12:00:00.000000Z",
    "state": "received",
    "replays": 0,
    "duplicates": 0,
    "history": [{"at": "2026-11-23T12:00:00.000000Z", "state": "received", "note": "accepted at the door"}],
    "ttl": SAMPLE_TIME + 30 * 86_400,
    "seq": 1,
    "correlation_id": "sample-correlation",
}
SALE_EVENT = {"channel": "pos", "channel_kind": "store", "webhook_id": "pos-7731-0042", "lines": POS_SALE["data"]["lines"]}
PROCESSED_ITEM = {**INBOX_ITEM, "gsi1pk": "INBOX#pos#processed", "state": "processed", "normalized": [{"type": "ChannelSaleRecorded", "data": SALE_EVENT}], "seq": 2}


def body_of(name: str) -> dict:
    return json.loads((FORMATS / name).read_text())


STOCK_ROW = {
    "pk": "SKU#TEE-ORG-S",
    "sk": "STOCK#paris-rivoli#000",
    "type": "stock",
    "sku": "TEE-ORG-S",
    "location_id": "paris-rivoli",
    "shard": 0,
    "on_hand": 12,
    "held": 0,
    "unavailable": 0,
    "safety": 2,
    "available": 10,
    "seq": 3,
}


POINTS_ENTRY = {
    "pk": "ORDER#01JD5S8R0T7K3QX2M4N6P8R0T2",
    "sk": "POINTS#earn:01JD5S8R0T7K3QX2M4N6P8R0T2",
    "entry_id": "earn:01JD5S8R0T7K3QX2M4N6P8R0T2",
    "kind": "earn",
    "points": 39,
    "order_id": "01JD5S8R0T7K3QX2M4N6P8R0T2",
    "profile_id": "pfsample0000000000000000",
    "balance": 39,
    "at": "2026-11-23T12:05:00Z",
}


ORDER_ID = "01JDX3K9Q2M7W4T8R6Y5V0B1NC"
INTENT = {
    "id": "pi_3QsampleA1b2C3d4",
    "object": "payment_intent",
    "amount": 4200,
    "amount_capturable": 4200,
    "amount_received": 0,
    "currency": "eur",
    "capture_method": "manual",
    "status": "requires_capture",
    "metadata": {"order_id": ORDER_ID, "payment_id": f"pay_{ORDER_ID}", "tender": "card"},
    "latest_charge": "ch_3QsampleA1b2C3d4",
    "last_payment_error": None,
    "cancellation_reason": None,
    "created": SAMPLE_TIME,
    "livemode": False,
}
STRIPE_EVENT = {
    "id": "evt_3QsampleA1b2C3d4",
    "object": "event",
    "api_version": "2025-01-27",
    "created": SAMPLE_TIME,
    "type": "payment_intent.amount_capturable_updated",
    "livemode": False,
    "pending_webhooks": 1,
    "data": {"object": INTENT},
}
PAYMENT_ENTRY = {
    "pk": f"PAY#{ORDER_ID}",
    "sk": "TX#stripe#pi_3QsampleA1b2C3d4#authorize",
    "type": "entry",
    "order_id": ORDER_ID,
    "payment_id": f"pay_{ORDER_ID}",
    "kind": "authorize",
    "provider": "stripe",
    "reference": "pi_3QsampleA1b2C3d4",
    "tender": "card",
    "amount": 4200,
    "currency": "EUR",
    "n": 1,
    "at": "2026-11-23T12:00:00.000000Z",
    "announce": False,
    "authorized_total": 4200,
    "captured_total": 0,
    "seq": 1,
    "correlation_id": "sample-correlation",
}
PROVIDER_EVENT = {
    "pk": "INBOX#stripe",
    "sk": STRIPE_EVENT["id"],
    "type": "provider_event",
    "provider": "stripe",
    "event_id": STRIPE_EVENT["id"],
    "event_type": STRIPE_EVENT["type"],
    "payload": json.dumps(STRIPE_EVENT),
    "received_at": "2026-11-23T12:00:00.000000Z",
    "ttl": SAMPLE_TIME + 90 * 86_400,
    "correlation_id": "sample-correlation",
}
ORDER_PLACED = {
    "order_id": ORDER_ID,
    "number": "W-7K3QX2",
    "channel": "web",
    "channel_kind": "storefront",
    "origin": "checkout",
    "channel_order_id": None,
    "customer_id": "sam",
    "contact": {"email": "sam@example.com", "phone": None},
    "currency": "EUR",
    "subtotal": 3500,
    "shipping": 0,
    "tax": 700,
    "grand_total": 4200,
    "tax_inclusive": True,
    "payment": "online",
    "pay_by": "2026-11-23T12:30:00Z",
    "delivery": "pickup",
    "pickup_location_id": "paris-rivoli",
    "lines": [{"line": "1", "sku": "TEE-ORG-S", "quantity": 2, "unit_price": 2100, "line_total": 4200, "location_id": "paris-rivoli"}],
    "placed_at": "2026-11-23T12:00:00Z",
}


CHANNEL_ORDER = {
    "channel": "marketplace", "channel_kind": "marketplace", "channel_order_id": "MKT-300012", "webhook_id": "mkt-evt-1", "currency": "EUR",
    "lines": [{"sku": "TEE-ORG-S", "quantity": 1, "unit_price": 1999, "location_id": "wh-central"}],
    "subtotal": 1999, "shipping": 490, "tax": 0, "grand_total": 2489,
    "customer": {"channel_customer_id": "mkt-cust-77", "email": None, "phone": None}, "fulfilled": False, "placed_at": "2026-11-23T12:55:00.000000Z",
}  # fmt: skip


def samples() -> dict[str, dict[str, dict]]:
    product = {"product_id": "tee-organic", "name": "Organic cotton tee", "skus": [{"sku": "TEE-ORG-S", "prices": [{"channel": "web", "currency": "EUR", "amount": 1999}]}]}
    return {
        "CatalogApi": {
            "post-product": api("POST", "/v1/products", "/v1/products", product, OPERATOR),
            "get-product": api("GET", "/v1/products/{product_id}", "/v1/products/tee-organic", identity=channel("web")),
        },
        "CatalogOutbox": {
            "sku-price-changed": stream(
                "catalog",
                [
                    (
                        "MODIFY",
                        {"pk": "SKU#TEE-ORG-S", "sk": "SKU", "type": "sku", "sku": "TEE-ORG-S", "product_id": "tee-organic", "prices": {"web:EUR": 1999}, "seq": 1},
                        {"pk": "SKU#TEE-ORG-S", "sk": "SKU", "type": "sku", "sku": "TEE-ORG-S", "product_id": "tee-organic", "prices": {"web:EUR": 1799}, "seq": 2},
                    )
                ],
            ),
        },
        "InventoryApi": {
            "put-location": api(
                "PUT",
                "/v1/locations/{location_id}",
                "/v1/locations/paris-rivoli",
                {"name": "Paris Rivoli", "kind": "store", "address": {"lines": ["1 rue de Rivoli"], "city": "Paris", "country": "FR"}, "capabilities": ["pickup"]},
                OPERATOR,
            ),
            "post-adjustment": api(
                "POST", "/v1/adjustments", "/v1/adjustments", {"source_event_id": "asn-1001", "sku": "TEE-ORG-S", "location_id": "paris-rivoli", "kind": "receipt", "quantity": 12}, OPERATOR
            ),
            "get-availability": api("GET", "/v1/availability", "/v1/availability", identity=channel("web"), query={"sku": ["TEE-ORG-S", "MUG-STONE-BLUE"], "per_location": "true"}),
            "post-holds": api("POST", "/v1/holds", "/v1/holds", {"reference": "cart-42", "lines": [{"line": "1", "sku": "TEE-ORG-S", "location_id": "paris-rivoli", "quantity": 1}]}, channel("web")),
            "post-sale": api("POST", "/v1/sales", "/v1/sales", {"source_event_id": "pos-receipt-9001", "lines": [{"sku": "TEE-ORG-S", "location_id": "paris-rivoli", "quantity": 1}]}, channel("pos")),
        },
        "InventoryOutbox": {
            "stock-row-changed": stream("inventory", [("MODIFY", STOCK_ROW, {**STOCK_ROW, "held": 1, "available": 9, "seq": 4})]),
        },
        "InventoryCatalogSync": {
            "product-changed": bus_event("omni.catalog", "ProductChanged", {"product_id": "tee-organic", "name": "Organic cotton tee", "skus": ["TEE-ORG-S", "TEE-ORG-M"], "seq": 1}),
        },
        "InventoryProjection": {
            "stock-changed": bus_event(
                "omni.inventory",
                "StockChanged",
                {"sku": "TEE-ORG-S", "location_id": "paris-rivoli", "shard": 0, "on_hand": 12, "held": 1, "unavailable": 0, "safety": 2, "available": 9, "on_hand_delta": 0, "held_delta": 1, "seq": 4},
            ),
            "location-changed": bus_event("omni.inventory", "LocationChanged", {"location_id": "paris-rivoli", "open": True, "channels": ["web", "pos"], "seq": 2}),
        },
        "InventoryHoldSweeper": {
            "scheduled": build_event({"Source": "aws.events", "DetailType": "Scheduled Event", "Detail": "{}", "Time": 1795420800}, "b1a9c5f0-0000-4000-8000-000000000002"),
        },
        "ChannelsApi": {
            "post-webhook-sale": webhook("pos", "pos-7731-0042", POS_SALE),
            "post-webhook-receipt": webhook("pos", "pos-asn-5521", POS_RECEIPT),
            "post-webhook-return": webhook("pos", "pos-ret-0917", body_of("omni/return.json")),
            "post-webhook-count": webhook("marketplace", "wms-count-77812", body_of("omni/count.json")),
            "post-shopify-orders-create": webhook("shopify", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", body_of("shopify/orders-create.json"), "shopify", "orders/create"),
            "post-shopify-inventory-level": webhook("shopify", "4d5d2b7e-62d6-4c1c-9f5e-6a3c1a0e0b11", body_of("shopify/inventory-levels-update.json"), "shopify", "inventory_levels/update"),
            "post-marketplace-order": webhook("bazaar", "bz-dlv-100-4471", body_of("marketplace/order-created.json"), "marketplace"),
            "get-parked": api("GET", "/v1/channels/{channel_id}/inbox", "/v1/channels/shopify/inbox", identity=OPERATOR, query={"state": "parked"}),
            "put-sku-mapping": api("PUT", "/v1/channels/{channel_id}/mappings/skus/{channel_sku}", "/v1/channels/shopify/mappings/skus/SHOP-TEE-S", {"sku": "TEE-ORG-S"}, OPERATOR),
        },
        "ChannelsNormalizer": {
            "webhook-received": stream("channels", [("INSERT", None, INBOX_ITEM)]),
        },
        "ChannelsOutbox": {
            "webhook-processed": stream("channels", [("MODIFY", INBOX_ITEM, PROCESSED_ITEM)]),
        },
        "ChannelsOutboundEvents": {
            "availability-changed": bus_event("omni.inventory", "AvailabilityChanged", {"sku": "TEE-ORG-S", "channel": "marketplace", "available": 235, "previous": 236, "crossings": [], "basis": 42}),
            "price-changed": bus_event(
                "omni.catalog", "PriceChanged", {"sku": "TEE-ORG-S", "product_id": "tee-organic", "channel": "marketplace", "currency": "EUR", "amount": 2199, "previous_amount": 2399, "seq": 3}
            ),
        },
        "ChannelsOutboundSender": {
            "send-availability": queue("ChannelsOutboundSenderWorkQueue", [{"channel": "marketplace", "topic": "availability", "sku": "TEE-ORG-S"}]),
        },
        "InventoryChannelSync": {
            "channel-sale-recorded": bus_event("omni.channels", "ChannelSaleRecorded", {"channel": "pos", "channel_kind": "store", "webhook_id": "pos-7731-0042", "lines": POS_SALE["data"]["lines"]}),
            "stock-receipt-posted": bus_event("omni.channels", "StockReceiptPosted", {"channel": "pos", "webhook_id": "pos-asn-5521", **POS_RECEIPT["data"]}),
            "channel-order-received": bus_event("omni.channels", "ChannelOrderReceived", CHANNEL_ORDER),
        },
        "InventoryLocationRecompute": {
            "location-chunk": queue("InventoryLocationRecomputeWorkQueue", [{"location_id": "paris-rivoli", "skus": ["MUG-STONE-BLUE", "TEE-ORG-M", "TEE-ORG-S"]}]),
        },
        "OrdersApi": {
            "get-my-orders": api("GET", "/v1/me/orders", "/v1/me/orders", identity=channel("app"), claims={"sub": "alice", "token_use": "id"}),
            "put-cart-line": api("PUT", "/v1/cart/lines/{sku}", "/v1/cart/lines/TEE-ORG-S", {"quantity": 2}, identity=channel("app"), claims={"sub": "alice", "token_use": "id"}),
            "post-checkout": checkout_sample(),
            "get-pick-list": api("GET", "/v1/stores/{location_id}/pick-list", "/v1/stores/paris-rivoli/pick-list", identity=channel("pos")),
            "post-picked": api(
                "POST",
                "/v1/stores/{location_id}/orders/{order_id}/fulfilments/{fulfilment_id}/steps/{step}",
                f"/v1/stores/paris-rivoli/orders/{ORDER_ITEM['order_id']}/fulfilments/F1/steps/picked",
                identity=channel("pos"),
            ),
            "post-return": api(
                "POST",
                "/v1/stores/{location_id}/orders/{order_id}/returns",
                f"/v1/stores/lyon-bellecour/orders/{ORDER_ITEM['order_id']}/returns",
                {"return_key": "counter-0042", "lines": [{"line": "1", "received": 2, "damaged": 1}]},
                channel("pos"),
            ),
        },
        "OrdersPriceSync": {
            "price-changed": bus_event("omni.catalog", "PriceChanged", {"sku": "TEE-ORG-S", "product_id": "tee-organic", "channel": "web", "currency": "EUR", "amount": 1799, "previous_amount": 1999, "seq": 2}),
        },
        "OrdersOutbox": {
            "order-placed": stream("orders", [("INSERT", None, ORDER_ITEM)]),
            "order-paid": stream("orders", [("MODIFY", ORDER_ITEM, {**ORDER_ITEM, "status": "paid", "paid": True, "version": 2, "updated_at": "2026-11-23T12:05:00.000000Z"})]),
        },
        "OrdersPaymentsSync": {
            "order-paid": bus_event("omni.payments", "OrderPaid", {"order_id": ORDER_ITEM["order_id"], "amount": 3998, "currency": "EUR", "tenders": ["card"]}),
            "payment-failed": bus_event("omni.payments", "PaymentFailed", {"order_id": ORDER_ITEM["order_id"], "reason": "expired", "at": "2026-11-23T12:30:00.000000Z"}),
            "refund-issued": bus_event("omni.payments", "RefundIssued", {"refund_id": "cancel-" + ORDER_ITEM["order_id"], "order_id": ORDER_ITEM["order_id"], "amount": 3998, "currency": "EUR", "tenders": [{"tender": "card", "amount": 3998}]}),
        },
        "OrdersChannelOrders": {
            "channel-order-received": bus_event("omni.channels", "ChannelOrderReceived", CHANNEL_ORDER),
        },
        "OrdersAttribution": {
            "orders-attributed": bus_event("omni.profiles", "OrdersAttributed", {"profile_id": "prof-1", "order_ids": [], "customer_ids": ["alice"], "version": 1, "at": "2026-11-23T12:00:00.000000Z"}),
        },
        "OrdersPrivacy": {
            # a shopper of no demo order: the sample runs on a shared runtime, where erasing alice would change others' data
            "profile-erased": bus_event("omni.profiles", "ProfileErased", {"profile_id": "prof-9", "order_ids": [], "customer_ids": ["erased-shopper"], "at": "2026-11-25T09:00:00.000000Z"}),
        },
        "InventoryReturns": {
            "return-received": bus_event("omni.orders", "ReturnReceived", {"return_id": "3b1f0c5e9d2a4f6b8c7e1a0d2f4b6c8e", "order_id": ORDER_ITEM["order_id"], "channel": "pos", "location_id": "paris-rivoli", "lines": [{"sku": "TEE-ORG-S", "received": 2, "damaged": 1}], "at": "2026-11-24T10:00:00.000000Z"}),
        },
        "OpsApi": {
            "post-redrive": api("POST", "/v1/ops/redrive", "/v1/ops/redrive", {"limit": 10}, OPERATOR),
        },
        "PaymentsApi": {
            "post-card": api(
                "POST", "/v1/payments/{order_id}/card", f"/v1/payments/{ORDER_ID}/card", {"currency": "EUR"}, channel("web"), claims={"sub": "alice", "email": "alice@example.com", "token_use": "id"}
            ),
            "post-in-store-cash": api(
                "POST",
                "/v1/payments/{order_id}/in-store",
                f"/v1/payments/{ORDER_ID}/in-store",
                {"tender": "cash", "amount": 4200, "currency": "EUR", "reference": "till-3-r881", "tendered": 5000},
                channel("pos"),
            ),
            "post-webhook-stripe": stripe_webhook(STRIPE_EVENT),
            "get-reconciliation": api("GET", "/v1/payments/reconciliation", "/v1/payments/reconciliation", identity=OPERATOR, query={"date": "2026-11-23"}),
        },
        "PaymentsOutbox": {
            "card-authorized": stream("payments", [("INSERT", None, PAYMENT_ENTRY)]),
        },
        "PaymentsWebhookProcessor": {
            "stripe-event-received": stream("payments", [("INSERT", None, PROVIDER_EVENT)]),
        },
        "PaymentsOrdersEvents": {
            "order-placed": bus_event("omni.orders", "OrderPlaced", ORDER_PLACED),
            "order-status-collected": bus_event(
                "omni.orders",
                "OrderStatusChanged",
                {
                    "order_id": ORDER_ID,
                    "number": "W-7K3QX2",
                    "channel": "web",
                    "customer_id": "sam",
                    "from_status": "ready_for_pickup",
                    "to_status": "collected",
                    "reason": None,
                    "version": 5,
                    "at": "2026-11-23T17:00:00Z",
                    "grand_total": 4200,
                    "currency": "EUR",
                },
            ),
            "refund-requested": bus_event(
                "omni.orders", "RefundRequested", {"refund_id": "ret-8812", "order_id": ORDER_ID, "amount": 2100, "currency": "EUR", "reason": "return", "at": "2026-11-25T10:00:00Z"}
            ),
        },
        "PaymentsDeadlineSweeper": {
            "scheduled": build_event({"Source": "aws.events", "DetailType": "Scheduled Event", "Detail": "{}", "Time": 1795420800}, "b1a9c5f0-0000-4000-8000-000000000003"),
        },
        "ProfilesApi": {
            "get-me": api("GET", "/v1/me", "/v1/me", identity=channel("app"), claims={"sub": "alice", "email": "alice@example.com", "token_use": "id"}),
            "post-sign-in": api(
                "POST",
                "/v1/me/sign-in",
                "/v1/me/sign-in",
                {"email": "alice@example.com", "device_id": "app-7f3a"},
                channel("app"),
                claims={"sub": "alice", "email": "alice@example.com", "token_use": "id"},
            ),
            "post-identify": api("POST", "/v1/identify", "/v1/identify", {"identifiers": {"phone": "06 12 34 56 78", "loyalty_card": "4000-1234-5678"}, "location_id": "paris-rivoli"}, channel("pos")),
        },
        "ProfilesOutbox": {
            "points-earned": stream("profiles", [("INSERT", None, POINTS_ENTRY)]),
        },
        "ProfilesOrderEvents": {
            "order-placed": bus_event("omni.orders", "OrderPlaced", ORDER_PLACED),
            "order-status-changed": bus_event(
                "omni.orders",
                "OrderStatusChanged",
                {
                    "order_id": ORDER_PLACED["order_id"],
                    "number": "W-7K3QX2",
                    "channel": "web",
                    "customer_id": "alice",
                    "from_status": "awaiting_payment",
                    "to_status": "paid",
                    "reason": None,
                    "version": 2,
                    "at": "2026-11-23T12:05:00Z",
                    "grand_total": 3998,
                    "currency": "EUR",
                },
            ),
            "return-received": bus_event(
                "omni.orders",
                "ReturnReceived",
                {
                    "return_id": "ret-01",
                    "order_id": ORDER_PLACED["order_id"],
                    "channel": "pos",
                    "location_id": "paris-rivoli",
                    "lines": [{"sku": "TEE-ORG-S", "received": 1, "damaged": 0}],
                    "at": "2026-11-30T10:00:00Z",
                },
            ),
        },
        "ProfilesPaymentEvents": {
            "order-paid": bus_event("omni.payments", "OrderPaid", {"order_id": ORDER_PLACED["order_id"], "amount": 3998, "currency": "EUR", "tenders": ["card"]}),
            "refund-issued": bus_event(
                "omni.payments", "RefundIssued", {"refund_id": "ret-01", "order_id": ORDER_PLACED["order_id"], "amount": 1999, "currency": "EUR", "tenders": [{"tender": "card", "amount": 1999}]}
            ),
        },
        "ProfilesChannelEvents": {
            "channel-order-received": bus_event(
                "omni.channels",
                "ChannelOrderReceived",
                {
                    "channel": "marketplace",
                    "channel_kind": "marketplace",
                    "channel_order_id": "MP-88120",
                    "webhook_id": "mp-wh-1",
                    "currency": "EUR",
                    "lines": [{"sku": "TEE-ORG-S", "quantity": 1, "unit_price": 1999, "location_id": "paris-rivoli"}],
                    "subtotal": 1999,
                    "shipping": 0,
                    "tax": 0,
                    "grand_total": 1999,
                    "customer": {"channel_customer_id": "buyer-5521", "email": "alice@example.com", "phone": None},
                    "fulfilled": False,
                    "placed_at": "2026-11-23T11:00:00Z",
                },
            ),
        },
    }


def main() -> None:
    for function, payloads in samples().items():
        for name, payload in payloads.items():
            path = SAMPLES / function / f"{name}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {sum(len(p) for p in samples().values())} samples under {SAMPLES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
