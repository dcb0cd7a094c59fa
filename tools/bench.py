"""`make bench`: the figures Omni promises, measured on this machine and printed.

1. Cold start proxy per handler (tools/bench_cold.py; `--only cold` runs it alone): wall time of a fresh process
   that imports the handler module and builds its clients (median of 7), beside a bare `import boto3` + one
   DynamoDB client, against the goals, and its CPU time (user + system), which a loaded machine disturbs less;
   on Python 3.11 and on Lambda's 3.13 with and without `.pyc`.
2. Warm latency and DynamoDB calls per request, per handler, against DynamoDB Local.
3. Inventory: reservations per second on one SKU (unsharded vs 10 shards, and 10 shards while counts
   and damage run beside them, with the held <= physical check), DynamoDB calls per reservation of an
   N-line cart, calls and latency of availability for 100 SKUs.
4. Closing a 5,000-SKU store: the LocationChanged fan-out, chunk invocations and their durations.
5. Payments (tools/bench_payments.py; `--only payments` runs it alone): DynamoDB calls and latency per
   Stripe webhook, payments recorded per second, Stripe calls per order.
6. Profiles (`--only profiles`): identify events per second in the pure merge logic, DynamoDB calls per
   incremental identify (goal <= 3) against DynamoDB Local, merge precision and recall on 30 seeds of the
   synthetic population (names ignored, and as evidence), and the time to resolve a backfill of
   1,000,000 identifiers in the pure partition.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "local"), str(ROOT / "tools"), str(ROOT / "tests"), str(ROOT / "infra")]
os.environ.update(
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_LOG_LEVEL="ERROR",
    POWERTOOLS_METRICS_NAMESPACE="Omni",
    POWERTOOLS_SERVICE_NAME="omni-bench",
)

warnings.filterwarnings("ignore", "No application metrics to publish")

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
            "POST /v1/adjustments (receipt)": lambda n: api_event(
                "POST", "/v1/adjustments", {"source_event_id": f"b-{n}-{time.time_ns()}", "sku": "SKU-002", "location_id": "store-1", "kind": "receipt", "quantity": 1}, operator=True
            ),
            "POST /v1/holds (1 line)": lambda n: api_event(
                "POST", "/v1/holds", {"reference": f"bench-{n}-{time.time_ns()}", "lines": [{"line": "1", "sku": "SKU-003", "location_id": "store-1", "quantity": 1}]}, channel_key="key-web"
            ),
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


def checkout_figures(cdk_out: Path, endpoint: str) -> None:
    """Checkout (one batched read, one transaction over orders and inventory) beside a naive one (one
    conditional write per line, then the order), in the same run on the same tables."""
    import boto3

    from inventory.dal import keys as inventory_keys
    from inventory.logic import for_orders
    from orders.handlers import api as orders_api
    from stack_tables import create_domain_table
    from support.checkout import product, shop_environment, site
    from support.triggers import Context, api_event

    client = boto3.client("dynamodb", endpoint_url=endpoint)
    create_domain_table(client, cdk_out, "orders", "bench-orders")
    create_domain_table(client, cdk_out, "inventory", "bench-orders-inventory")
    with shop_environment("bench-orders", "bench-orders-inventory", endpoint):
        from kernel.aws import dynamodb
        from kernel.settings import Channel
        from orders.logic import carts

        web = Channel(id="web", kind="storefront")
        site("paris-rivoli")
        skus = [f"CK-{n:02d}" for n in range(25)]
        for sku in skus:
            product(sku, 500, {"paris-rivoli": 1_000_000})
        counter = CallCounter()
        runs = 15
        numbers = iter(range(10**9))

        def fill(shopper: str, lines: int) -> None:
            carts.set_line(web, shopper, None, skus[0], 1)
            for sku in skus[1:lines]:
                carts.set_line(web, shopper, None, sku, 1)

        def omni(lines: int):
            shopper = f"b-{next(numbers)}"
            fill(shopper, lines)
            body = {"lines": [{"sku": sku, "quantity": 1, "unit_price": 500} for sku in skus[:lines]], "delivery": "pickup", "pickup_location_id": "paris-rivoli"}
            event = api_event("POST", "/v1/checkout", body, channel_key="key-web", customer=shopper, headers={"Idempotency-Key": "k"})
            counter.take()
            start = time.perf_counter()
            _ok(orders_api.handler(event, Context()))
            return (time.perf_counter() - start) * 1000, counter.take()

        def naive(lines: int):
            """Read the cart and prices, then a conditional write per line, then the order: not atomic (a crash
            between two writes holds stock without an order), and N + 1 writes."""
            shopper = f"n-{next(numbers)}"
            fill(shopper, lines)
            db = dynamodb()
            counter.take()
            start = time.perf_counter()
            db.get_item(TableName="bench-orders", Key={"pk": f"CART#customer:{shopper}", "sk": "CART"}, ConsistentRead=True)
            db.batch_get_item(RequestItems={"bench-orders": {"Keys": [{"pk": f"PRICE#{sku}", "sk": "web:EUR"} for sku in skus[:lines]], "ConsistentRead": True}})
            for sku in skus[:lines]:
                db.update_item(
                    TableName="bench-orders-inventory",
                    Key=inventory_keys.stock(sku, "paris-rivoli", 0),
                    UpdateExpression="SET held = held + :q, available = available - :q",
                    ConditionExpression="available >= :q",
                    ExpressionAttributeValues={":q": 1},
                )
            db.put_item(TableName="bench-orders", Item={"pk": f"ORDER#{shopper}", "sk": "ORDER", "type": "naive"})
            return (time.perf_counter() - start) * 1000, counter.take()

        with contextlib.redirect_stdout(io.StringIO()):  # the first call prints the ColdStart metric
            omni(1)
        for_orders.location_ids()
        print("\n== checkout: DynamoDB round trips and median latency (warm, DynamoDB Local, same run) ==")
        for lines in (1, 10, 25):
            for name, run in (("omni: 1 read + 1 transaction", omni), ("naive: write per line + order", naive)):
                samples = [run(lines) for _ in range(runs)]
                calls = samples[-1][1]
                median = statistics.median(sample[0] for sample in samples)
                print(f"  {lines:2} lines  {name:32} {sum(calls.values()):3} round trips ({_describe(calls, 1)})   median {median:6.1f} ms")
    print("  (naive: no hold rows, no idempotency, no capacity or location guards; a crash between writes holds stock with no order)")


def checkouts_per_second(cdk_out: Path, threads: int = 8, seconds: float = 6.0) -> None:
    """Checkouts over HTTP on the local runtime (API Gateway emulation, one worker process per function)."""
    import threading

    import requests

    from omni_client import OmniClient
    from omni_local.runtime import Runtime

    print(f"\n== checkouts per second on the local runtime over HTTP ({threads} shoppers, {seconds:.0f} s) ==")
    with contextlib.redirect_stdout(io.StringIO()):
        local = Runtime(cdk_out, repo_root=Path(__file__).resolve().parents[1], port=0, console_stream=io.StringIO())
        local.start()
    try:
        client = OmniClient(local.state())
        client.operator("POST", "/v1/products", {"product_id": "bench", "name": "Bench", "skus": [{"sku": "BENCH-1", "prices": [{"channel": "web", "currency": "EUR", "amount": 500}]}]})
        client.operator("PUT", "/v1/locations/bench-store", {"name": "Bench", "kind": "store", "address": {"lines": ["1"], "city": "Paris", "country": "FR"}, "capabilities": ["pickup"]})
        client.operator("PUT", "/v1/channels/web/locations/bench-store")
        local.wait_idle(30)
        client.operator("POST", "/v1/adjustments", {"source_event_id": "bench-1", "sku": "BENCH-1", "location_id": "bench-store", "kind": "receipt", "quantity": 1_000_000})
        body = {"lines": [{"sku": "BENCH-1", "quantity": 1, "unit_price": 500}], "delivery": "pickup", "pickup_location_id": "bench-store"}
        placed, failed, until = [0], [0], time.monotonic() + seconds
        lock = threading.Lock()

        def shopper(n: int) -> None:
            session = requests.Session()
            session.headers.update({"x-api-key": local.api_key("web"), "Authorization": local.mint_token(f"bench-{n}")})
            round_ = 0
            while time.monotonic() < until:
                round_ += 1
                session.put(local.api_url.rstrip("/") + "/v1/cart/lines/BENCH-1", json={"quantity": 1})
                response = session.post(local.api_url.rstrip("/") + "/v1/checkout", json=body, headers={"Idempotency-Key": f"r{round_}"})
                with lock:
                    (placed if response.status_code == 201 else failed)[0] += 1

        start = time.monotonic()
        workers = [threading.Thread(target=shopper, args=(n,)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - start
        print(f"  {placed[0] / elapsed:6.1f} checkouts/s (each after a cart update: {placed[0]} placed, {failed[0]} refused, in {elapsed:.1f} s)")
    finally:
        with contextlib.redirect_stdout(io.StringIO()):
            local.stop()


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


def fulfilment(cdk_out: Path, endpoint: str, runs: int = 30) -> None:
    """A fulfilment step against DynamoDB Local: the order's change and its holds' commit (or release)
    in one transaction, with the reads before it."""
    import json

    import boto3

    from orders.handlers import api as orders_api
    from orders.models.order import OrderStatus
    from stack_tables import create_domain_table
    from support.env import domain_environment
    from support.inventory import location, stock
    from support.orders import an_order, place_with_holds
    from support.triggers import Context, api_event

    client = boto3.client("dynamodb", endpoint_url=endpoint)
    create_domain_table(client, cdk_out, "inventory", "bench-fulfil-inventory")
    create_domain_table(client, cdk_out, "orders", "bench-fulfil-orders")
    with domain_environment("bench-fulfil-inventory", endpoint):
        location("paris-rivoli", channels=("web",))
        for n in range(25):
            stock(f"FUL-{n:02d}", "paris-rivoli", 10_000)
    tables = json.dumps({"orders": "bench-fulfil-orders", "inventory": "bench-fulfil-inventory"})
    print("\n== fulfilment steps against DynamoDB Local (median / p95, DynamoDB calls per step; goal: read the order, one transaction) ==")
    for lines in (1, 10, 25):
        orders, older = [], []
        for index in range(2 * runs + 1):
            order_lines = [
                {"line": str(n), "sku": f"FUL-{n:02d}", "quantity": 1, "unit_price": 100, "line_total": 100, "tax": 0, "location_id": "paris-rivoli", "fulfilment_id": "F1"} for n in range(lines)
            ]
            fulfilments = [{"fulfilment_id": "F1", "location_id": "paris-rivoli", "kind": "pickup", "lines": [line["line"] for line in order_lines]}]
            order = an_order(status=OrderStatus.allocated, paid=True, lines=order_lines, fulfilments=fulfilments)
            placed = place_with_holds(order, inventory_table="bench-fulfil-inventory", orders_table="bench-fulfil-orders", endpoint=endpoint, recorded=index <= runs)
            (orders if index <= runs else older).append(placed)
        cancellable = _fresh(orders, runs, endpoint, place_with_holds)
        with domain_environment("bench-fulfil-orders", endpoint, TABLES=tables):
            counter = CallCounter()
            # picked (older): an order placed before its lines recorded their holds, which are read (a Query)
            for name, path in (("picked", "fulfilments/F1/steps/picked"), ("picked (older)", "fulfilments/F1/steps/picked"), ("cancel", None)):
                pending = iter({"picked": orders[1:], "cancel": cancellable}.get(name, older))
                with contextlib.redirect_stdout(io.StringIO()):
                    orders_api.handler(api_event("POST", f"/v1/stores/paris-rivoli/orders/{orders[0].order_id}/fulfilments/F1/steps/picked", channel_key="key-pos"), Context())
                counter.take()

                def one(path=path, pending=pending):
                    order = next(pending)
                    url = f"/v1/stores/paris-rivoli/orders/{order.order_id}/{path}" if path else f"/v1/ops/orders/{order.order_id}/cancel"
                    event = api_event("POST", url, channel_key="key-pos") if path else api_event("POST", url, operator=True)
                    _ok(orders_api.handler(event, Context()))

                median, p95 = timed(one, runs)
                print(f"  {name:14} {lines:2} line(s) {median:6.1f} ms / {p95:6.1f} ms   calls: {_describe(counter.take(), runs)}")


def _fresh(orders, runs, endpoint, place_with_holds):
    """Copies of the orders (new ids) with their holds, for the cancellations."""
    copies = []
    for order in orders[1 : runs + 1]:
        copy = order.model_copy(update={"order_id": uuid.uuid4().hex, "number": "B-" + uuid.uuid4().hex[:6].upper()})
        copies.append(place_with_holds(copy, inventory_table="bench-fulfil-inventory", orders_table="bench-fulfil-orders", endpoint=endpoint))
    return copies


def _inventory(cdk_out: Path, endpoint: str) -> None:
    warm_and_inventory(cdk_out, endpoint)
    large_store_close(cdk_out, endpoint)


def _payments(cdk_out: Path, endpoint: str) -> None:
    from bench_payments import payments_bench

    payments_bench(cdk_out, endpoint, CallCounter, timed, _describe)


def profiles_pure() -> None:
    import random

    from profiles.logic.graph import Record, partition
    from profiles.logic.rules import MatchRules
    from profiles.logic.rules import rules as default_rules
    from support.identity_graphs import MemoryGraphs, sighting
    from support.population import measure, people

    rules = MatchRules(channel_regions={"pos": "FR", "web": "FR", "app": "FR", "marketplace": "FR"})
    print("\n== profiles: the pure merge logic ==")
    population = people(5_000, seed=11)
    sightings = [sighting(seen.given, rules, source=seen.source, at=seen.at, channel=seen.channel, channel_kind=seen.channel_kind, name=seen.name) for seen in population]
    graphs = MemoryGraphs(rules)
    start, cpu = time.perf_counter(), time.process_time()
    for seen in sightings:
        graphs.identify(seen)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  incremental identify, {len(sightings):,} events of 5,000 people: {len(sightings) / elapsed:,.0f} events/s ({elapsed:.2f} s, cpu {cpu:.2f} s)")
    print("  merge quality, 1,200 people per seed (goal: precision >= 0.99, recall >= 0.9); names ignored | names as evidence:")
    match = MatchRules(channel_regions=rules.channel_regions, blocked=default_rules().match.blocked)
    quality = []
    for seed in range(1, 31):
        (blind_p, blind_r, _), (precision, recall, profiles) = measure(1200, seed, match, names=False), measure(1200, seed, match)
        quality.append((seed, precision, recall))
        short = " (short of the goal)" if precision < 0.99 or recall < 0.9 else ""
        print(f"    seed {seed:2}: precision {blind_p:.4f}, recall {blind_r:.4f} | {profiles:5,} profiles, precision {precision:.4f}, recall {recall:.4f}{short}")
    for label, part in (("seeds 1-10", quality[:10]), ("seeds 1-30", quality)):
        print(f"    {label}: precision {min(q[1] for q in part):.4f}-{max(q[1] for q in part):.4f}, recall {min(q[2] for q in part):.4f}-{max(q[2] for q in part):.4f}")

    rng = random.Random(5)
    records, count, person = [], 0, 0
    while count < 1_000_000:  # people seen 1-4 times with 1-4 identifiers, some shared across their records
        own = [f"email:{person}", f"phone:{person}", f"loyalty_card:{person}", f"account:{person}", f"channel_customer:{person}"]
        for visit in range(rng.randint(1, 4)):
            ids = tuple(rng.sample(own, rng.randint(1, 4)))
            records.append(Record(key=f"r{person}-{visit}", at=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", ids=ids))
            count += len(ids)
        person += 1
    start, cpu = time.perf_counter(), time.process_time()
    found = partition(records, rules)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  backfill: {count:,} identifiers in {len(records):,} records of {person:,} people -> {len(found.groups):,} profiles in {elapsed:.2f} s (cpu {cpu:.2f} s)")


def profiles_calls(cdk_out: Path, endpoint: str) -> None:
    import boto3

    from profiles.dal import hashing
    from profiles.logic import identify
    from profiles.logic.rules import Kind
    from stack_tables import create_domain_table
    from support.env import domain_environment

    client = boto3.client("dynamodb", endpoint_url=endpoint)
    create_domain_table(client, cdk_out, "profiles", "bench-profiles")
    hashing._key = lambda: b"bench-identifier-key"  # the secret's read is cached per container: not an identify's cost
    with domain_environment("bench-profiles", endpoint):
        counter = CallCounter()
        print("\n== profiles: DynamoDB calls per incremental identify (goal <= 3), median latency against DynamoDB Local ==")
        cases = {
            "a new person (email + phone)": lambda n: {Kind.email: f"new{n}@example.com", Kind.phone: f"+336{n:08d}"},
            "the same again (a replay)": lambda n: {Kind.email: f"new{n}@example.com", Kind.phone: f"+336{n:08d}"},
            "a known person, a new card": lambda n: {Kind.email: f"new{n}@example.com", Kind.loyalty_card: f"CARD{n:08d}"},
            "a merge of two people": lambda n: {Kind.phone: f"+336{n:08d}", Kind.account: f"acct-{n}"},
            "a known phone, named at the till": lambda n: {Kind.phone: f"+336{n:08d}"},
        }
        for name, given in cases.items():
            if name.startswith("a merge"):
                for n in range(20):
                    identify.identify(identify.sighting({Kind.account: f"acct-{n}", Kind.device: f"d{n}"}, source=f"signin:{n}", channel="web", channel_kind="storefront", strict=True))
            counter.take()
            samples = []
            for n in range(20):
                source = f"bench:{n}" if "again" in name or "new person" in name else f"bench:{name}:{n}"
                said = "Ann Lee" if "named" in name else None
                seen = identify.sighting(given(n), source=source, at="2026-11-20T10:00:00Z", channel="web", channel_kind="storefront", name=said, strict=True)
                start = time.perf_counter()
                identify.identify(seen)
                samples.append((time.perf_counter() - start) * 1000)
            print(f"  {name:32} {statistics.median(samples):6.1f} ms   calls: {_describe(counter.take(), 20)}")


def _profiles(cdk_out: Path, endpoint: str) -> None:
    profiles_calls(cdk_out, endpoint)
    profiles_pure()


# The sections that run against DynamoDB Local, in order, each on its own; `--only <name>` runs one (or `cold`, the cold-start table).
def _checkout(cdk_out: Path, endpoint: str) -> None:
    checkout_figures(cdk_out, endpoint)
    checkouts_per_second(cdk_out)


def _channels(cdk_out: Path, endpoint: str) -> None:
    from bench_channels import channels_bench

    channels_bench()  # over its own local runtime


SECTIONS = {"inventory": _inventory, "checkout": _checkout, "fulfil": fulfilment, "payments": _payments, "profiles": _profiles, "channels": _channels}


def main() -> None:
    parser = argparse.ArgumentParser(description="Omni's performance figures")
    parser.add_argument("--only", choices=["cold", *SECTIONS], help="run one section: cold (the cold-start table) or one of " + ", ".join(SECTIONS))
    parser.add_argument("--cold-runs", type=int, default=7, help="fresh processes per handler in each cold-start table")
    parser.add_argument("--cold-python", choices=["3.11", "3.13"], action="append", help="only this cold-start table (repeatable)")
    arguments = parser.parse_args()
    only = arguments.only

    print(f"Omni bench — python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if only in (None, "cold"):
        from bench_cold import cold_starts

        cold_starts(arguments.cold_runs, tuple(arguments.cold_python or ("3.11", "3.13")))
    if only == "cold":
        return
    from omni_local.services import start_dynamodb_local
    from stack_tables import synthesize

    with tempfile.TemporaryDirectory() as folder:
        cdk_out = Path(os.environ["OMNI_CDK_OUT"]) if os.environ.get("OMNI_CDK_OUT") else synthesize(Path(folder))
        for name, run in SECTIONS.items():
            if only in (None, name):
                # A fresh DynamoDB Local per section: one left full of an earlier section's tables and items
                # (and its JVM's garbage) is slower, so a full run would not print what the section prints alone.
                with start_dynamodb_local() as server:
                    run(cdk_out, server.endpoint)


if __name__ == "__main__":
    main()
