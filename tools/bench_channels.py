"""`make bench` — channels (`tools/bench.py --only channels`), on the local runtime (DynamoDB Local, moto,
every function in its own worker process): inbound webhooks accepted per second, the time from a
webhook's acceptance to its normalized event on the bus, and outbound updates sent per 100 changes
of one SKU."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

INBOUND = 200  # webhooks posted for the acceptance rate
LATENCY_SAMPLES = 20
CHANGES = 100


def _capture(runtime, name: str, pattern: dict):
    sqs, events = runtime.client("sqs"), runtime.client("events")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = next(bus["Name"] for bus in events.list_event_buses()["EventBuses"] if bus["Name"].startswith("omni-"))
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "queue", "Arn": arn}])
    return sqs, url, bus


def _receipt(n: int) -> dict:
    return {"type": "receipt", "data": {"sku": "BENCH-NOT-STOCKED", "location_id": "wh-central", "quantity": 1 + n % 5}}


def inbound(runtime, client) -> None:
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: client.webhook("marketplace", _receipt(n), webhook_id=f"bench-{uuid.uuid4().hex[:16]}").status_code, range(INBOUND)))
    elapsed = time.perf_counter() - started
    accepted = statuses.count(202)
    print(f"  inbound: {accepted} of {INBOUND} signed webhooks accepted in {elapsed:.1f} s with 8 senders: {accepted / elapsed:.0f} webhooks/s")
    runtime.wait_idle(120)

    sqs, url, _ = _capture(runtime, "bench-normalized", {"source": ["omni.channels"], "detail-type": ["StockReceiptPosted"]})
    latencies = []
    for n in range(LATENCY_SAMPLES):
        webhook_id = f"bench-latency-{uuid.uuid4().hex[:12]}"
        sent = time.perf_counter()
        assert client.webhook("marketplace", _receipt(n), webhook_id=webhook_id).status_code == 202
        accepted_at = time.perf_counter()
        while time.perf_counter() - sent < 30:
            bodies = [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])]
            if any(body["detail"]["data"]["webhook_id"] == webhook_id for body in bodies):
                latencies.append((time.perf_counter() - accepted_at) * 1000)
                break
            time.sleep(0.02)
    latencies.sort()
    print(
        f"  acceptance → normalized event on the bus (normalizer + outbox, two stream hops): median {statistics.median(latencies):.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.0f} ms, max {latencies[-1]:.0f} ms over {len(latencies)} webhooks"
    )


def outbound(runtime, client) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from support.receiver import receiver  # the tests' local channel server

    with receiver() as server:
        subscription = {"events": ["availability"], "url": server.url, "rate_per_second": 50, "coalesce_seconds": 1}
        assert client.operator("PUT", "/v1/channels/marketplace/subscription", subscription).status_code == 200
        events = runtime.client("events")
        bus = next(bus["Name"] for bus in events.list_event_buses()["EventBuses"] if bus["Name"].startswith("omni-"))
        started = time.perf_counter()
        for basis in range(1, CHANGES + 1):
            detail = {
                "id": str(uuid.uuid4()),
                "type": "AvailabilityChanged",
                "version": 1,
                "source": "omni.inventory",
                "time": datetime.now(UTC).isoformat(),
                "correlation_id": "bench",
                "data": {"sku": "BENCH-HOT", "channel": "marketplace", "available": 1000 - basis, "previous": 1001 - basis, "crossings": [], "basis": basis},
            }
            events.put_events(Entries=[{"Source": "omni.inventory", "DetailType": "AvailabilityChanged", "Detail": json.dumps(detail), "EventBusName": bus}])
        burst = time.perf_counter() - started
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (server.accepted and server.accepted[-1]["version"] == CHANGES):
            time.sleep(0.1)
        runtime.wait_idle(30)
        sent = server.accepted
        last = sent[-1] if sent else {}
        print(
            f"  outbound: {CHANGES} AvailabilityChanged of one SKU in {burst:.1f} s → {len(sent)} updates sent "
            f"(coalescing window 1 s), the last with version {last.get('version')} and figure {last.get('available')} (final: {1000 - CHANGES})"
        )
        client.operator("DELETE", "/v1/channels/marketplace/subscription")


def channels_bench() -> None:
    from omni_client import OmniClient
    from omni_local.runtime import Runtime
    from stack_tables import synthesize

    print("\nChannels, on the local runtime:")
    repo = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        import os

        cdk_out = Path(os.environ["OMNI_CDK_OUT"]) if os.environ.get("OMNI_CDK_OUT") else synthesize(Path(folder))
        with Runtime(
            cdk_out, repo_root=repo, port=0, state_file=Path(folder) / "runtime.json", async_retry_delay=0.05, stream_retry_delay=0.05, queue_retry_visibility=1, function_logs=False, traces=False
        ) as runtime:
            client = OmniClient(runtime.state())
            inbound(runtime, client)
            outbound(runtime, client)
