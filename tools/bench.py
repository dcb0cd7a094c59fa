"""`make bench`: the figures Omni promises, measured on this machine and printed.

1. Cold start proxy per handler: wall time of a fresh process that imports the handler module and
   builds its clients (median of 7), beside a bare `import boto3` + one DynamoDB client, against the goals;
   and its CPU time (user + system), which a loaded machine disturbs less. `--only cold` runs this part alone.
2. Warm latency and DynamoDB calls per request, per handler, against DynamoDB Local.
3. Inventory: reservations per second on one SKU (unsharded vs 10 shards, and 10 shards while counts
   and damage run beside them, with the held <= physical check), DynamoDB calls per reservation of an
   N-line cart, calls and latency of availability for 100 SKUs.
4. Closing a 5,000-SKU store: the LocationChanged fan-out, chunk invocations and their durations.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "local"), str(ROOT / "tools"), str(ROOT / "tests"), str(ROOT / "infra")]
os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", POWERTOOLS_TRACE_DISABLED="true", POWERTOOLS_LOG_LEVEL="ERROR", POWERTOOLS_METRICS_NAMESPACE="Omni", POWERTOOLS_SERVICE_NAME="omni-bench")

warnings.filterwarnings("ignore", "No application metrics to publish")

RUNS = 7
# Cold-start goals over the bare-boto3 baseline (decision 17): API functions may load routing, validation
# and their routes' models; every other trigger (stream, event, schedule, any added later) stays close to bare boto3.
API_GOAL_MS = 150
OTHER_GOAL_MS = 50
BASELINE = "import boto3; boto3.client('dynamodb')"


def cold_start_cases() -> list[tuple[str, str, str]]:
    """(module, trigger kind, code) for every function every domain declares, with the clients it builds."""
    from omni_infra.domains import function_specs

    cases = []
    for domain, function in function_specs():
        module = function.handler.rsplit(".", 1)[0]
        clients = ["dynamodb()"] if domain.table is not None and function.table != "none" else []
        clients += ["client('events')"] if function.publishes else []
        clients += ["client('secretsmanager')"] if function.reads_channel_secrets else []
        build = "; ".join(["from kernel.aws import client, dynamodb", *clients])
        cases.append((module, type(function.trigger).__name__, f"import {module}; {build}"))
    return cases


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_ms(code: str) -> tuple[float, float]:
    """Wall and CPU (user + system) milliseconds of one fresh process; CPU drifts less with the machine's load."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "functions"), "TABLE_NAME": "bench", "CHANNELS": "{}"}
    start, cpu = time.perf_counter(), _children_cpu_s()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return (time.perf_counter() - start) * 1000, (_children_cpu_s() - cpu) * 1000


def cold_starts() -> None:
    """Round-robin over the baseline and every handler, so that the machine's load drifts over all alike."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n== cold start proxy: fresh process, import + clients (median of {RUNS}, interleaved with the baseline; load {load}) ==")
    cases = cold_start_cases()
    samples: dict[str, list[tuple[float, float]]] = {code: [] for code in [BASELINE, *(code for _, _, code in cases)]}
    for _ in range(RUNS):
        for code, values in samples.items():
            values.append(_process_ms(code))
    wall = {code: statistics.median(ms for ms, _ in values) for code, values in samples.items()}
    cpu = {code: statistics.median(ms for _, ms in values) for code, values in samples.items()}
    baseline, baseline_cpu = wall[BASELINE], cpu[BASELINE]
    print(f"  {'baseline: import boto3 + one DynamoDB client':48} {baseline:7.0f} ms  (cpu {baseline_cpu:.0f} ms)")
    for module, kind, code in cases:
        ms = wall[code]
        goal = API_GOAL_MS if kind == "Api" else OTHER_GOAL_MS
        verdict = "met" if ms - baseline <= goal else "NOT MET"
        extra_cpu = cpu[code] - baseline_cpu
        print(f"  {module:48} {ms:7.0f} ms  ({ms - baseline:+4.0f} ms, cpu {extra_cpu:+4.0f} ms; {kind} goal +{goal} ms: {verdict})")


class CallCounter:
    """Counts DynamoDB operations made by the domain code's client."""

    def __init__(self):
        from kernel.aws import dynamodb

        self.calls: Counter = Counter()
        dynamodb().meta.events.register("before-call.dynamodb.*", self._count)

    def _count(self, event_name=None, **_):
        self.calls[event_name.rsplit(".", 1)[-1]] += 1

    def take(self) -> Counter:
        taken, self.calls = self.calls, Counter()
        return taken


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def _describe(calls: Counter, runs: int) -> str:
    return ", ".join(f"{name} {count / runs:g}" for name, count in sorted(calls.items())) or "none"


def warm_and_inventory(cdk_out: Path, endpoint: str) -> None:
    import boto3

    from inventory.handlers import api as inventory_api
    from inventory.logic import holds, planning
    from inventory.logic.shards import shard_counts
    from inventory.models.holds import ReserveIn
    from kernel.errors import InsufficientStock
    from stack_tables import create_domain_table
    from support.env import domain_environment
    from support.inventory import WEB, location, stock
    from support.triggers import Context, api_event

    client = boto3.client("dynamodb", endpoint_url=endpoint)
    create_domain_table(client, cdk_out, "inventory", "bench-inventory")
    with domain_environment("bench-inventory", endpoint):
        counter = CallCounter()
        location("store-1")
        skus = [f"SKU-{n:03d}" for n in range(100)]
        for sku in skus:
            stock(sku, "store-1", 1000)
        from inventory.logic import projection

        for sku in skus:
            projection.recompute(sku)
        counter.take()

        print("\n== warm handler latency against DynamoDB Local (median / p95, DynamoDB calls per request) ==")
        runs = 50
        cases = {
            "GET /v1/availability (1 SKU)": lambda n: api_event("GET", "/v1/availability", channel_key="key-web", query={"sku": "SKU-001"}),
            "GET /v1/availability (100 SKUs)": lambda n: api_event("GET", "/v1/availability", channel_key="key-web", query={"sku": skus}),
            "POST /v1/adjustments (receipt)": lambda n: api_event("POST", "/v1/adjustments", {"source_event_id": f"b-{n}-{time.time_ns()}", "sku": "SKU-002", "location_id": "store-1", "kind": "receipt", "quantity": 1}, operator=True),
            "POST /v1/holds (1 line)": lambda n: api_event("POST", "/v1/holds", {"reference": f"bench-{n}-{time.time_ns()}", "lines": [{"line": "1", "sku": "SKU-003", "location_id": "store-1", "quantity": 1}]}, channel_key="key-web"),
        }
        for name, make in cases.items():
            numbers = iter(range(10**9))
            with contextlib.redirect_stdout(io.StringIO()):  # the first one prints the ColdStart metric
                inventory_api.handler(make(-1), Context())  # warm
            counter.take()
            median, p95 = timed(lambda make=make, numbers=numbers: _ok(inventory_api.handler(make(next(numbers)), Context())), runs)
            print(f"  {name:34} {median:6.1f} ms / {p95:6.1f} ms   calls: {_describe(counter.take(), runs)}")

        print("\n== DynamoDB calls per reservation of an N-line cart (warm; goal: one transaction) ==")
        for lines in (1, 5, 10, 25):
            request = ReserveIn(reference=f"cart-n{lines}", lines=[{"line": str(i), "sku": skus[i], "location_id": "store-1", "quantity": 1} for i in range(lines)])
            shard_counts([line.sku for line in request.lines])
            counter.take()
            holds.reserve(WEB, request)
            print(f"  {lines:3} lines: {_describe(counter.take(), 1)}")

        print("\n== reservations per second on one SKU, 16 threads, 4 s each ==")
        for shards in (1, 10):
            sku = f"HOT-{shards}"
            stock(sku, "store-1", 1_000_000)
            if shards > 1:
                planning.set_shards(sku, shards)
            shard_counts([sku])
            rate, refused = _reserve_rate(sku, holds, ReserveIn, WEB, InsufficientStock)
            print(f"  {'unsharded' if shards == 1 else f'{shards} shards':10} {rate:7.1f} reservations/s  (refused {refused})")
        _reserve_beside_counts(holds, planning, ReserveIn, WEB, InsufficientStock, stock)


def large_store_close(cdk_out: Path, endpoint: str, sku_count: int = 5_000) -> None:
    import json

    import boto3

    from inventory.handlers import location_recompute, projection
    from omni_local.services import start_moto_server
    from stack_tables import create_domain_table
    from support import large_store
    from support.env import domain_environment
    from support.triggers import Context

    print(f"\n== closing a {sku_count:,}-SKU store: LocationChanged fanned out through the work queue ==")
    create_domain_table(boto3.client("dynamodb", endpoint_url=endpoint), cdk_out, "inventory", "bench-large-store")
    with start_moto_server() as moto:
        url = boto3.client("sqs", endpoint_url=moto.endpoint).create_queue(QueueName="location-recompute")["QueueUrl"]
        env = {"QUEUE_URLS": json.dumps({"LocationRecompute": url}), "AWS_ENDPOINT_URL_SQS": moto.endpoint}
        with domain_environment("bench-large-store", endpoint, **env):
            large_store.seed("bench-large-store", endpoint, "big-store", sku_count)
            batch_size, timeout = large_store.mapping_of(cdk_out, "inventory.handlers.location_recompute.handler")
            start = time.perf_counter()
            projection.handler(large_store.close("big-store"), Context())
            fanned = time.perf_counter() - start
            drained = large_store.drain(url, location_recompute.handler, batch_size)
            total = time.perf_counter() - start
    durations = sorted(drained.durations)
    print(f"  fan-out: LocationChanged -> {drained.messages} chunk messages     {fanned * 1000:7.0f} ms")
    print(f"  {drained.invocations} chunk invocations of {batch_size} messages: median {statistics.median(durations):.2f} s, slowest {durations[-1]:.2f} s (timeout {timeout} s)")
    print(f"  whole recompute, one invocation at a time      {total:7.1f} s  ({sku_count / total:.0f} SKUs/s; Lambda runs chunks in parallel)")


def _ok(response):
    assert response["statusCode"] < 300, response
    return response


def _reserve_rate(sku, holds, ReserveIn, channel, InsufficientStock, threads: int = 16, seconds: float = 4.0):
    stop = time.monotonic() + seconds
    done = Counter()
    lock = threading.Lock()

    def worker(n):
        i = 0
        while time.monotonic() < stop:
            i += 1
            try:
                holds.reserve(channel, ReserveIn(reference=f"{sku}-{n}-{i}", lines=[{"line": "1", "sku": sku, "location_id": "store-1", "quantity": 1}]))
                key = "ok"
            except InsufficientStock:
                key = "refused"
            with lock:
                done[key] += 1

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return done["ok"] / seconds, done["refused"]


def _reserve_beside_counts(holds, planning, ReserveIn, channel, InsufficientStock, stock) -> None:
    """Shoppers reserve a 10-shard SKU while an operator counts it down and books damage beside them."""
    from inventory.dal import stock as stock_rows
    from inventory.logic import adjustments
    from inventory.models.stock import AdjustmentIn

    sku = "HOT-COUNTED"
    stock(sku, "store-1", 3000)
    planning.set_shards(sku, 10)
    stop, changes = threading.Event(), Counter()

    def operate() -> None:
        version = 0
        while not stop.is_set():
            rows = stock_rows.shards(sku, "store-1")
            floor = sum(row.held + row.unavailable for row in rows) + 50  # a count below what is held would be news, not a test
            version += 1
            counted = max(floor, sum(row.on_hand for row in rows) - 40)
            adjustments.adjust(AdjustmentIn(source_event_id=f"count-{version}", sku=sku, location_id="store-1", kind="count", quantity=counted, count_version=version))
            adjustments.adjust(AdjustmentIn(source_event_id=f"damage-{version}", sku=sku, location_id="store-1", kind="damage", quantity=3))
            changes["counts"] += 1
            changes["damage"] += 1

    operator = threading.Thread(target=operate)
    operator.start()
    rate, refused = _reserve_rate(sku, holds, ReserveIn, channel, InsufficientStock)
    stop.set()
    operator.join()
    rows = stock_rows.shards(sku, "store-1")
    held, physical = sum(row.held for row in rows), sum(row.on_hand - row.unavailable for row in rows)
    promised = sum(max(0, row.available) for row in rows)
    check = "ok" if held <= physical and promised <= max(0, sum(row.available for row in rows)) else "VIOLATED"
    print(f"  {'10 shards, counts and damage beside':10} {rate:7.1f} reservations/s  (refused {refused}; {changes['counts']} counts, {changes['damage']} damage)")
    print(f"  held {held} <= physical {physical} (on hand - unavailable); shards promise {promised}: {check}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Omni's performance figures")
    parser.add_argument("--only", choices=["cold", "channels"], help="run one section: cold (the cold-start table), channels (webhooks in, updates out)")
    only = parser.parse_args().only

    print(f"Omni bench — python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if only == "channels":
        from bench_channels import channels_bench

        channels_bench()
        return
    cold_starts()
    if only == "cold":
        return
    from omni_local.services import start_dynamodb_local
    from stack_tables import synthesize

    with tempfile.TemporaryDirectory() as folder, start_dynamodb_local() as server:
        cdk_out = Path(os.environ["OMNI_CDK_OUT"]) if os.environ.get("OMNI_CDK_OUT") else synthesize(Path(folder))
        warm_and_inventory(cdk_out, server.endpoint)
        large_store_close(cdk_out, server.endpoint)
    from bench_channels import channels_bench

    channels_bench()


if __name__ == "__main__":
    main()
