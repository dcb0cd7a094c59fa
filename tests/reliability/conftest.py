"""Reliability tests run on DynamoDB Local, never on moto: moto is not atomic under contention."""

import boto3
import pytest

from stack_tables import create_domain_table
from support.env import domain_environment


@pytest.fixture
def inventory_db(cdk_out, dynamodb_local, fresh_table_name):
    client = boto3.client("dynamodb", endpoint_url=dynamodb_local.endpoint)
    create_domain_table(client, cdk_out, "inventory", fresh_table_name)
    with domain_environment(fresh_table_name, dynamodb_local.endpoint):
        yield client
    client.delete_table(TableName=fresh_table_name)
