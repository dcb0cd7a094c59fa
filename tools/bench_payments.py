"""`make bench` section 5 (`tools/bench.py --only payments`): payments against DynamoDB Local, the Stripe
stand-in and secrets in a moto server, through the real handlers (API Gateway and stream events).

- a Stripe webhook: DynamoDB calls and latency of receiving it (verify, store once) and of applying it
  (the processor's stream record), median / p95;
- payments recorded per second: POS cash tenders, 8 tills at once, each on its own order;
- Stripe calls per order over a card journey (intent, confirm call, capture when collected).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import threading
import time
from collections import Counter
from pathlib import Path

ORDERS = 40


def payments_bench(cdk_out: Path, endpoint: str, call_counter, timed, describe) -> None:
    import boto3

    from kernel.outbox import change_of  # noqa: F401  (the processor reads plain stream records)
    from omni_local.services import launch_moto_server
    from omni_local.stripe_standin import StripeStandIn, sign
    from stack_tables import create_domain_table
    from support.env import domain_environment
    from support.payments import envelope, order_placed, status_changed
    from support.triggers import Context, api_event, eventbridge_event

    moto = launch_moto_server()
    try:
        secrets = boto3.client("secretsmanager", endpoint_url=moto.endpoint)
        values = {"stripe-api-key": "sk_test_bench", "stripe-webhook-secret": "whsec_bench", "card-code-key": "bench-card-key"}
        for name, value in values.items():
            secrets.create_secret(Name=f"bench/{name}", SecretString=value)
        standin = StripeStandIn(values["stripe-api-key"], values["stripe-webhook-secret"], deliver=False).start()
        client = boto3.client("dynamodb", endpoint_url=endpoint)
        create_domain_table(client, cdk_out, "payments", "bench-payments")
        extra = {"SECRETS": json.dumps({name: f"bench/{name}" for name in values}), "STRIPE_API_BASE": standin.url, "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto.endpoint}
        with domain_environment("bench-payments", endpoint, **extra):
            _run(standin, call_counter(), timed, describe, envelope, order_placed, status_changed, Context, api_event, eventbridge_event, sign)
        standin.stop()
    finally:
        moto.stop()
        for name in ("SECRETS", "STRIPE_API_BASE", "AWS_ENDPOINT_URL_SECRETS_MANAGER"):
            os.environ.pop(name, None)


def _call_kind(method: str, path: str) -> str:
    parts = path.strip("/").split("/")
    if len(parts) == 2:
        return "create" if parts[1] == "payment_intents" else parts[1]
    return parts[3] if len(parts) > 3 else ("retrieve" if method == "GET" else "update")


def _run(standin, counter, timed, describe, envelope, order_placed, status_changed, Context, api_event, eventbridge_event, sign) -> None:
    from payments.dal import inbox
    from payments.handlers import api, orders_events
    from payments.logic import webhooks

    def bus(kind: str, data: dict) -> None:
        orders_events.handler(eventbridge_event({"Source": "omni.orders", "DetailType": kind, "Detail": json.dumps(envelope(kind, data))}), Context())

    orders = [f"bench-order-{n}-{time.time_ns()}" for n in range(ORDERS)]
    intents = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the first invocations print the ColdStart metric
        for order in orders:
            bus("OrderPlaced", order_placed(order, customer="bench-shopper"))
        before = len(standin.calls)
        for order in orders:
            answer = api.handler(api_event("POST", f"/v1/payments/{order}/card", {"currency": "EUR"}, channel_key="key-web", customer="bench-shopper"), Context())
            intents[order] = json.loads(answer["body"])["payment_intent_id"]
            standin.confirm(intents[order])  # the shopper's device
    counter.take()
    events = [event for event in standin.sent if event["type"] == "payment_intent.amount_capturable_updated"]

    def webhook(event: dict) -> dict:
        body = json.dumps(event)
        request = api_event("POST", "/v1/webhooks/payments/stripe", body.encode())
        request["headers"]["Stripe-Signature"] = request["multiValueHeaders"]["Stripe-Signature"] = sign("whsec_bench", body)
        request["multiValueHeaders"]["Stripe-Signature"] = [request["headers"]["Stripe-Signature"]]
        return api.handler(request, Context())

    print("\n== payments: a Stripe webhook (median / p95, DynamoDB calls per webhook) ==")
    webhook(events[0])
    counter.take()
    pending = iter(events[1:])
    received = timed(lambda: webhook(next(pending)), len(events) - 1)
    print(f"  receive: verify + store once (API)   {received[0]:6.1f} ms / {received[1]:6.1f} ms   calls: {describe(counter.take(), len(events) - 1)}")
    pending = iter(events)
    applied = timed(lambda: webhooks.process("stripe", next(pending)), len(events))
    print(f"  apply: the processor's record       {applied[0]:6.1f} ms / {applied[1]:6.1f} ms   calls: {describe(counter.take(), len(events))}")
    replayed = iter(events)
    again = timed(lambda: webhooks.process("stripe", next(replayed)), len(events))
    print(f"  apply again (a replay: no write)    {again[0]:6.1f} ms / {again[1]:6.1f} ms   calls: {describe(counter.take(), len(events))}")
    assert inbox.order_of("stripe", events[0]["data"]["object"]["id"])

    for order in orders:
        api.handler(api_event("POST", f"/v1/payments/{order}/confirm", {"payment_intent_id": intents[order]}, channel_key="key-web", customer="bench-shopper"), Context())
        bus("OrderStatusChanged", status_changed(order, "collected", 5))
    by_path = Counter(_call_kind(method, path) for method, path in standin.calls[before:])
    print("\n== payments: Stripe calls per order (card journey: intent, the shopper's confirm call, capture when collected) ==")
    print(f"  {(len(standin.calls) - before) / ORDERS:g} per order ({', '.join(f'{name} {count / ORDERS:g}' for name, count in sorted(by_path.items()))})")

    till_orders = [f"bench-till-{n}-{time.time_ns()}" for n in range(400)]
    for order in till_orders:
        bus("OrderPlaced", order_placed(order, payment="in_store", customer=None))
    counter.take()
    taken, lock, stop = [0], threading.Lock(), time.monotonic() + 4
    queue = iter(till_orders)

    def till(n: int) -> None:
        while time.monotonic() < stop:
            with lock:
                order = next(queue, None)
            if order is None:
                return
            tender = {"tender": "cash", "amount": 4200, "currency": "EUR", "reference": f"till-{n}", "tendered": 5000}
            answer = api.handler(api_event("POST", f"/v1/payments/{order}/in-store", tender, channel_key="key-pos"), Context())
            if answer["statusCode"] == 200:
                with lock:
                    taken[0] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=till, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    print("\n== payments recorded per second (POS cash tenders, 8 tills, each on its own order) ==")
    print(f"  {taken[0] / elapsed:7.1f} payments/s ({taken[0]} in {elapsed:.1f} s); DynamoDB calls per payment: {describe(counter.take(), max(taken[0], 1))}")
