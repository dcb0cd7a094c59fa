"""Closing a store with 5,000 SKUs on DynamoDB Local: the LocationChanged fans out through the work
queue in bounded chunks, each invocation well inside its timeout, and every SKU's availability drops
the closed store."""

from __future__ import annotations

import json
import math

import boto3
import pytest

from inventory.handlers import location_recompute, projection
from inventory.logic.projection import LOCATION_CHUNK
from omni_local.services import start_dynamodb_local, start_moto_server
from stack_tables import create_domain_table
from support import large_store
from support.env import domain_environment
from support.triggers import Context

SKUS = 5_000


@pytest.fixture
def big_store(cdk_out, fresh_table_name):
    """On its own DynamoDB Local: 15,000 items and their stream records would slow the shared one
    down for the concurrency tests that follow."""
    with start_dynamodb_local() as dynamodb_local, start_moto_server() as moto:
        client = boto3.client("dynamodb", endpoint_url=dynamodb_local.endpoint)
        create_domain_table(client, cdk_out, "inventory", fresh_table_name)
        url = boto3.client("sqs", endpoint_url=moto.endpoint).create_queue(QueueName="location-recompute")["QueueUrl"]
        env = {"QUEUE_URLS": json.dumps({"LocationRecompute": url}), "AWS_ENDPOINT_URL_SQS": moto.endpoint}
        with domain_environment(fresh_table_name, dynamodb_local.endpoint, **env):
            skus = large_store.seed(fresh_table_name, dynamodb_local.endpoint, "big-store", SKUS)
            yield skus, url, client


def test_closing_a_5000_sku_store_recomputes_every_sku_in_bounded_short_invocations(cdk_out, big_store, fresh_table_name):
    skus, url, client = big_store
    batch_size, timeout = large_store.mapping_of(cdk_out, "inventory.handlers.location_recompute.handler")
    projection.handler(large_store.close("big-store"), Context())
    drained = large_store.drain(url, location_recompute.handler, batch_size)

    assert drained.messages == math.ceil(SKUS / LOCATION_CHUNK)
    assert drained.invocations == math.ceil(drained.messages / batch_size)
    assert max(drained.durations) < timeout / 4, f"slowest chunk {max(drained.durations):.1f} s of a {timeout} s timeout"
    rows = client.get_paginator("scan").paginate(TableName=fresh_table_name, FilterExpression="sk = :sk", ExpressionAttributeValues={":sk": {"S": "AVAILABILITY"}})
    figures = {item["sku"]["S"]: (int(item["channels"]["M"]["web"]["N"]), int(item["locations"]["M"]["big-store"]["N"])) for page in rows for item in page["Items"]}
    assert len(figures) == SKUS and set(figures.values()) == {(0, 0)}
