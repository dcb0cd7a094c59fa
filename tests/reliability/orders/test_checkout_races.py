"""Checkout on DynamoDB Local (AWS's engine: real conditions and transactions): contention for the last
units, a crash after the transaction, and the two round trips."""

from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from inventory.logic import for_orders
from kernel import table
from kernel.aws import dynamodb
from kernel.errors import Conflict
from kernel.settings import Channel
from orders.logic import carts, checkout
from orders.models.checkout import CheckoutIn
from stack_tables import create_domain_table
from support.checkout import product, shop_environment, site
from support.inventory import assert_ledger_matches_counters, everything

WEB = Channel(id="web", kind="storefront")
LAST = {"lines": [{"sku": "LAST", "quantity": 1, "unit_price": 1000}], "delivery": "pickup", "pickup_location_id": "paris-rivoli"}


@pytest.fixture
def shop(cdk_out, dynamodb_local, fresh_table_name):
    client = boto3.client("dynamodb", endpoint_url=dynamodb_local.endpoint)
    names = {"orders": f"{fresh_table_name}-o", "inventory": f"{fresh_table_name}-i"}
    for domain, name in names.items():
        create_domain_table(client, cdk_out, domain, name)
    with shop_environment(names["orders"], names["inventory"], dynamodb_local.endpoint):
        site("paris-rivoli")
        yield client
    for name in names.values():
        client.delete_table(TableName=name)


def _scan_orders() -> list[dict]:
    pages = dynamodb().get_paginator("scan").paginate(TableName=table.OWN.name, ConsistentRead=True)
    return [table.plain(item) for page in pages for item in page["Items"] if item.get("type") == "order"]


def _checkout_until_decided(shopper: str) -> str:
    """As a client would: retry contention, stop at an order or a refusal of stock."""
    for _ in range(20):
        try:
            checkout.checkout(WEB, shopper, f"key-{shopper}", CheckoutIn.model_validate(LAST))
            return "placed"
        except Conflict as refused:
            if refused.code != "contention":
                return refused.code
    return "gave up"


def test_200_concurrent_checkouts_for_the_last_20_units_place_exactly_20_orders_each_with_its_hold(shop):
    product("LAST", 1000, {"paris-rivoli": 20})
    shoppers = [f"shopper-{n:03d}" for n in range(200)]
    for shopper in shoppers:
        carts.set_line(WEB, shopper, None, "LAST", 1)
    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(_checkout_until_decided, shoppers))
    assert outcomes.count("placed") == 20 and outcomes.count("insufficient_stock") == 180, {o: outcomes.count(o) for o in set(outcomes)}
    orders = _scan_orders()
    holds = [item for item in everything() if item.get("type") == "hold"]
    assert len(orders) == 20 and len(holds) == 20
    assert {f"HOLD#web#{order['order_id']}" for order in orders} == {hold["pk"] for hold in holds}  # no order without its hold, no orphan hold
    assert {hold["state"] for hold in holds} == {"hard"}
    row = assert_ledger_matches_counters("LAST")[("LAST", "paris-rivoli", 0)]
    assert (row["on_hand"], row["held"], row["available"]) == (20, 20, 0)


def test_a_crash_after_the_transaction_and_before_the_answer_is_retried_into_the_same_order(shop, monkeypatch):
    product("LAST", 1000, {"paris-rivoli": 5})
    carts.set_line(WEB, "alice", None, "LAST", 1)
    real = table.transact

    def crash_after(operations):
        real(operations)
        raise TimeoutError("the connection dropped before the answer")

    monkeypatch.setattr(table, "transact", crash_after)
    with pytest.raises(TimeoutError):
        checkout.checkout(WEB, "alice", "key-1", CheckoutIn.model_validate(LAST))
    monkeypatch.setattr(table, "transact", real)
    order, placed_now = checkout.checkout(WEB, "alice", "key-1", CheckoutIn.model_validate(LAST))
    assert not placed_now
    assert [item["order_id"] for item in _scan_orders()] == [order.order_id]
    assert len(for_orders.holds_of("web", order.order_id)) == 1
    assert assert_ledger_matches_counters("LAST")[("LAST", "paris-rivoli", 0)]["held"] == 1


def test_a_25_line_checkout_is_one_batched_read_and_one_transaction(shop):
    skus = [f"SKU-{n:02d}" for n in range(25)]
    for sku in skus:
        product(sku, 500, {"paris-rivoli": 3})
        carts.set_line(WEB, "alice", None, sku, 2)
    body = CheckoutIn.model_validate({**LAST, "lines": [{"sku": sku, "quantity": 2, "unit_price": 500} for sku in skus]})
    calls = []
    dynamodb().meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    for_orders.location_ids()  # a warm container: the candidate list is cached
    calls.clear()
    order, _ = checkout.checkout(WEB, "alice", "k-25", body)
    assert calls == ["BatchGetItem", "TransactWriteItems"] and len(order.lines) == 25
    assert len(for_orders.holds_of("web", order.order_id)) == 25
