"""kernel.table across two domains' tables (decision 32): a dal names its table, the environment says
which one it is, and one transaction or batched read spans both, its refusals lined up with the operations."""

import json

import boto3
import pytest
from moto import mock_aws

from kernel import table
from kernel.table import Table
from stack_tables import create_domain_table
from support.env import domain_environment

ORDERS, INVENTORY = Table("orders"), Table("inventory")


@pytest.fixture
def two_tables(cdk_out):
    with mock_aws():
        client = boto3.client("dynamodb")
        create_domain_table(client, cdk_out, "inventory", "inv-t")
        create_domain_table(client, cdk_out, "inventory", "ord-t")  # the same key shape is all this needs
        with domain_environment("ord-t", TABLES=json.dumps({"orders": "ord-t", "inventory": "inv-t"})):
            yield client


def _keys(client, name):
    return sorted(item["pk"]["S"] for item in client.scan(TableName=name)["Items"])


def test_one_transaction_writes_both_tables_and_its_refusal_names_each_operation(two_tables):
    table.transact([ORDERS.put({"pk": "ORDER#1", "sk": "ORDER"}), INVENTORY.put({"pk": "HOLD#web#1", "sk": "1#paris"}, "attribute_not_exists(pk)")])
    assert (_keys(two_tables, "ord-t"), _keys(two_tables, "inv-t")) == (["ORDER#1"], ["HOLD#web#1"])
    with pytest.raises(table.Rejected) as refused:
        table.transact([ORDERS.put({"pk": "ORDER#2", "sk": "ORDER"}, "attribute_not_exists(pk)"), INVENTORY.put({"pk": "HOLD#web#1", "sk": "1#paris", "x": 1}, "attribute_not_exists(pk)")])
    assert refused.value.failed() == [1] and refused.value.reasons[1].item == {"pk": "HOLD#web#1", "sk": "1#paris"}
    assert _keys(two_tables, "ord-t") == ["ORDER#1"]  # all or nothing


def test_one_batched_read_spans_both_tables_and_answers_by_table(two_tables):
    table.transact([ORDERS.put({"pk": "K", "sk": "1", "t": "order"}), INVENTORY.put({"pk": "K", "sk": "1", "t": "stock"})])
    found = table.batch_get({ORDERS: [{"pk": "K", "sk": "1"}, {"pk": "missing", "sk": "1"}], INVENTORY: [{"pk": "K", "sk": "1"}]})
    assert found == {ORDERS: [{"pk": "K", "sk": "1", "t": "order"}], INVENTORY: [{"pk": "K", "sk": "1", "t": "stock"}]}


def test_a_table_the_function_was_not_given_fails_before_any_call(two_tables):
    with pytest.raises(LookupError, match="payments"):
        Table("payments").put({"pk": "P", "sk": "1"})


def test_a_function_with_one_table_finds_it_under_any_name(cdk_out):
    with mock_aws():
        create_domain_table(boto3.client("dynamodb"), cdk_out, "inventory", "only")
        with domain_environment("only"):
            assert INVENTORY.name == ORDERS.name == table.OWN.name == "only"
