"""inventory.logic.for_orders on DynamoDB Local: another domain's transaction places and moves holds with
inventory's own operations (decision 32), read once, written once, all or nothing across both tables."""

import json

import boto3
import pytest

from inventory.dal import holds as hold_rows
from inventory.logic import for_orders, holds, locations, planning, shards
from inventory.models.holds import ReserveIn
from inventory.models.location import LocationIn
from kernel import table
from kernel.errors import Conflict, InsufficientStock, NotFound
from kernel.table import Table
from stack_tables import create_domain_table
from support.env import domain_environment
from support.inventory import WEB, assert_ledger_matches_counters, location, stock

ORDERS = Table("orders")


@pytest.fixture
def two_tables(cdk_out, dynamodb_local, fresh_table_name):
    client = boto3.client("dynamodb", endpoint_url=dynamodb_local.endpoint)
    inventory, orders = f"{fresh_table_name}-inventory", f"{fresh_table_name}-orders"
    create_domain_table(client, cdk_out, "inventory", inventory)
    create_domain_table(client, cdk_out, "inventory", orders)  # only its pk/sk matter here
    with domain_environment(orders, dynamodb_local.endpoint, TABLES=json.dumps({"orders": orders, "inventory": inventory})):
        yield client
    for name in (inventory, orders):
        client.delete_table(TableName=name)


def _read(skus, sites):
    return for_orders.Stock.read(table.batch_get({for_orders.TABLE: for_orders.keys(skus, sites)})[for_orders.TABLE])


def _lines(*lines):
    return [for_orders.HoldLineIn(line=str(n), sku=sku, location_id=site, quantity=quantity) for n, (sku, site, quantity) in enumerate(lines, 1)]


def _order(order_id):
    return ORDERS.put({"pk": f"ORDER#{order_id}", "sk": "ORDER"}, "attribute_not_exists(pk)")


def _orders(client):
    return sorted(item["pk"]["S"] for item in client.scan(TableName=ORDERS.name)["Items"])


def test_an_order_and_its_hard_holds_are_one_transaction_over_both_tables(two_tables):
    location("paris")
    location("lyon")
    stock("TEE-S", "paris", 5)
    stock("TEE-M", "lyon", 3)
    read = _read(["TEE-S", "TEE-M"], ["paris", "lyon"])
    assert (read.available("TEE-S", "paris"), read.available("TEE-S", "lyon"), read.available("TEE-M", "lyon")) == (5, 0, 3)
    assert read.serves("paris", "web") and not read.serves("paris", "app")
    reservation = for_orders.reserve("web", "order-1", _lines(("TEE-S", "paris", 2), ("TEE-M", "lyon", 3)), read)
    table.transact([_order("order-1"), *reservation.operations])
    assert _orders(two_tables) == ["ORDER#order-1"]
    assert {(hold.sku, hold.state.value) for hold in for_orders.holds_of("web", "order-1")} == {("TEE-S", "hard"), ("TEE-M", "hard")}
    rows = assert_ledger_matches_counters()
    assert rows[("TEE-S", "paris", 0)]["held"] == 2 and rows[("TEE-M", "lyon", 0)]["available"] == 0


def test_stock_taken_between_the_read_and_the_write_refuses_the_order_naming_the_line(two_tables):
    location("paris")
    stock("TEE-S", "paris", 2)
    read = _read(["TEE-S"], ["paris"])
    holds.reserve(WEB, ReserveIn(reference="cart-9", lines=[{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 1}]))
    reservation = for_orders.reserve("web", "order-2", _lines(("TEE-S", "paris", 2)), read)
    order = [_order("order-2")]
    with pytest.raises(table.Rejected) as rejected:
        table.transact(order + reservation.operations)
    refusal = reservation.refusal(rejected.value.reasons[len(order) :])
    assert isinstance(refusal, InsufficientStock) and refusal.extra["lines"] == [{"line": "1", "sku": "TEE-S", "location_id": "paris", "requested": 2, "available": 1}]
    assert _orders(two_tables) == [] and for_orders.holds_of("web", "order-2") == []
    assert_ledger_matches_counters()


def test_refusals_before_any_write_are_inventorys_own(two_tables):
    location("paris")
    location("closed")
    stock("TEE-S", "paris", 1)
    locations.save("closed", LocationIn(name="closed", kind="store", address={"lines": ["1"], "city": "Paris", "country": "FR"}, open=False))
    read = _read(["TEE-S", "NOPE"], ["paris", "closed", "nowhere"])
    with pytest.raises(NotFound, match="NOPE"):
        for_orders.reserve("web", "o", _lines(("NOPE", "paris", 1)), read)
    with pytest.raises(InsufficientStock):
        for_orders.reserve("web", "o", _lines(("TEE-S", "paris", 2)), read)
    for site, error in (("closed", "is closed"), ("nowhere", "unknown location")):
        with pytest.raises((Conflict, NotFound), match=error):
            for_orders.reserve("web", "o", _lines(("TEE-S", site, 1)), read)
    with pytest.raises(Conflict, match="does not serve app"):
        for_orders.reserve("app", "o", _lines(("TEE-S", "paris", 1)), read)


def test_a_sku_split_since_the_container_looked_is_learned_from_its_config_and_never_oversold(two_tables):
    location("paris")
    stock("HOT", "paris", 8)
    planning.set_shards("HOT", 4)
    shards.forget_all()
    read = _read(["HOT"], ["paris"])  # one shard read: the container thought HOT had one
    assert read.shard_counts["HOT"] == 4 and read.available("HOT", "paris") == 2
    assert _read(["HOT"], ["paris"]).available("HOT", "paris") == 8  # the next read asks for every shard
    with pytest.raises(InsufficientStock):
        for_orders.reserve("web", "o", _lines(("HOT", "paris", 3)), read)


def test_soft_cart_holds_are_confirmed_committed_or_released_inside_the_callers_transaction(two_tables):
    location("paris")
    stock("TEE-S", "paris", 6)
    cart = for_orders.reserve("web", "cart-1", _lines(("TEE-S", "paris", 2), ("TEE-S", "paris", 1)), _read(["TEE-S"], ["paris"]), kind=for_orders.HoldState.soft)
    table.transact(cart.operations)
    soft = for_orders.held(table.batch_get({for_orders.TABLE: for_orders.hold_keys("web", "cart-1", [("1", "paris"), ("2", "paris")])})[for_orders.TABLE])
    assert sorted(hold.state.value for hold in soft) == ["soft", "soft"]
    confirmed = for_orders.confirm(soft)
    assert len(confirmed.operations) == 2  # the hold rows only: the units were held already
    table.transact([_order("order-3"), *confirmed.operations])
    hard = for_orders.holds_of("web", "cart-1")
    assert {hold.state.value for hold in hard} == {"hard"} and assert_ledger_matches_counters()[("TEE-S", "paris", 0)]["held"] == 3
    with pytest.raises(table.Rejected) as rejected:  # a stale copy of the soft holds cannot move them twice
        table.transact(confirmed.operations)
    assert isinstance(confirmed.refusal(rejected.value.reasons), for_orders.HoldsMoved)
    first, second = sorted(hard, key=lambda hold: hold.line)
    table.transact([ORDERS.put({"pk": "ORDER#order-3", "sk": "PICKED"}), *for_orders.commit([first]).operations])
    table.transact(for_orders.release([second]).operations)
    row = assert_ledger_matches_counters()[("TEE-S", "paris", 0)]
    assert (row["on_hand"], row["held"], row["available"]) == (4, 0, 4)
    assert [hold.state.value for hold in sorted(hold_rows.of_reference("web", "cart-1"), key=lambda h: h.line)] == ["committed", "released"]
