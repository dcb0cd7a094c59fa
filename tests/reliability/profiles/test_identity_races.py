"""The identity graph and the points ledger under contention, on DynamoDB Local (moto is not atomic)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from kernel.errors import Conflict
from profiles.dal import graphs as graph_table
from profiles.dal import hashing
from profiles.logic import identify, loyalty
from profiles.logic.rules import Kind, MatchRules, rules
from stack_tables import create_domain_table
from support.env import domain_environment
from support.identity_graphs import MemoryGraphs
from support.identity_graphs import sighting as memory_sighting
from support.profiles import deliver, order_paid, order_placed

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def profiles_db(cdk_out, dynamodb_local, fresh_table_name, monkeypatch):
    client = boto3.client("dynamodb", endpoint_url=dynamodb_local.endpoint)
    create_domain_table(client, cdk_out, "profiles", fresh_table_name)
    monkeypatch.setattr(hashing, "_key", lambda: b"race-test-key")  # the key's source is not under test here
    rules.cache_clear()
    with domain_environment(fresh_table_name, dynamodb_local.endpoint):
        yield client
    client.delete_table(TableName=fresh_table_name)


def _sightings():
    """40 sightings that chain into 4 people (email, phone and card links), plus bridges between them
    that the rules refuse (two accounts)."""
    found = []
    for person in range(4):
        for n in range(8):
            given = {Kind.email: f"p{person}@example.com"} if n % 2 else {Kind.phone: f"+3361234{person}{n:03d}", Kind.email: f"p{person}@example.com"}
            if n == 0:
                given[Kind.account] = f"acct-{person}"
            if n == 7:
                given[Kind.loyalty_card] = f"CARD{person:06d}"
            found.append((given, f"order:{person}-{n}", f"2026-11-20T10:{person:02d}:{n:02d}Z"))
        found.append(({Kind.account: f"acct-{(person + 1) % 4}", Kind.loyalty_card: f"CARD{person:06d}"}, f"order:bridge-{person}", f"2026-11-20T11:00:{person:02d}Z"))
    return found


def _groups_in_table(client, table_name) -> set[frozenset[str]]:
    items = client.scan(TableName=table_name)["Items"]
    graph_ids = {item["graph_id"]["S"] for item in items if item["sk"]["S"] == "ID"}
    loaded = graph_table.load(graph_ids)
    return {frozenset(s for key in profile["records"] for s in graph["records"][key]["src"]) for graph in loaded for profile in graph["profiles"].values()}


def test_identifies_racing_to_merge_the_same_people_end_as_one_sequential_run_would(profiles_db):
    seen = _sightings()
    start = threading.Barrier(8)

    def run(chunk):
        start.wait()
        for given, source, at in chunk:
            while True:
                try:
                    identify.identify(identify.sighting(given, source=source, at=at, channel="web", channel_kind="storefront", strict=True))
                    break
                except Conflict:
                    continue  # contended past its own retries: the caller (EventBridge) tries again

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(run, [seen[n::8] for n in range(8)]))
    expected = MemoryGraphs(MatchRules())
    for given, source, at in seen:
        expected.identify(memory_sighting(given, MatchRules(), source=source, at=at))
    from kernel.settings import settings

    assert _groups_in_table(profiles_db, settings().table_name) == expected.groups()
    # every identifier row leads (through forwards at most) to a graph that holds it
    items = profiles_db.scan(TableName=settings().table_name)["Items"]
    for item in items:
        if item["sk"]["S"] == "ID":
            (graph,) = graph_table.load({item["graph_id"]["S"]})
            assert item["pk"]["S"].removeprefix("ID#") in graph["values"]


def test_concurrent_redemptions_never_spend_more_than_the_balance(profiles_db, monkeypatch):
    monkeypatch.setenv("SECRETS", json.dumps({}))
    deliver(order_placed("o-1", customer_id="sub-ann", total=10000))
    deliver(order_paid("o-1", 10000))  # 100 points
    deliver(order_placed("o-2", customer_id="sub-ann", total=100))
    start = threading.Barrier(10)

    def redeem(n):
        start.wait()
        try:
            return loyalty.redeem("sub-ann", f"r-{n}", "o-2", 30)[1]
        except loyalty.InsufficientPoints:
            return False

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(redeem, range(10)))
    assert sum(results) == 3
    graph, profile_id = identify.graph_of_customer("sub-ann")
    assert loyalty.balance(loyalty.orders.many(graph["profiles"][profile_id]["orders"])) == 10
