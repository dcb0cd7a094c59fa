"""Each function may put only events of its own domain: IAM's events:source condition from the
template, honoured by the local runtime's EventBridge endpoint for the function's credential."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from omni_local.grants import access_key_of


def events_as(runtime, function_prefix: str):
    (logical_id,) = [logical_id for logical_id in runtime.state()["functions"] if logical_id.startswith(function_prefix)]
    return boto3.client("events", endpoint_url=runtime.events_endpoint, region_name="us-east-1", aws_access_key_id=access_key_of(logical_id), aws_secret_access_key="local")


def entry(source: str) -> dict:
    return {"Source": source, "DetailType": "GrantCheck", "Detail": "{}", "EventBusName": "omni-dev"}


def test_an_outbox_may_put_its_own_domains_events_and_no_other(runtime):
    inventory = events_as(runtime, "InventoryOutbox")
    assert inventory.put_events(Entries=[entry("omni.inventory")])["FailedEntryCount"] == 0
    for forged in ([entry("omni.catalog")], [entry("omni.inventory"), entry("omni.channels")]):
        with pytest.raises(ClientError) as refused:
            inventory.put_events(Entries=forged)
        assert refused.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_function_without_a_put_events_grant_may_put_nothing(runtime):
    with pytest.raises(ClientError) as refused:
        events_as(runtime, "InventoryProjection").put_events(Entries=[entry("omni.inventory")])
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
