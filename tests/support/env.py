"""Point the domain code at a table: environment variables plus the caches that read them once."""

from __future__ import annotations

import contextlib
import json
import os

from kernel.aws import LOCAL_READ_TIMEOUT

LOCAL_SERVER_READ_TIMEOUT = "30"  # seconds (AWS: 5): DynamoDB Local on a loaded machine is slow, not wrong

CHANNEL_KEYS = {
    "key-web": {"id": "web", "kind": "storefront"},
    "key-app": {"id": "app", "kind": "storefront"},
    "key-pos": {"id": "pos", "kind": "store", "locations": ["paris-rivoli", "lyon-bellecour"]},
    "key-pos-lyon": {"id": "pos-lyon", "kind": "store", "locations": ["lyon-bellecour"]},
    "key-marketplace": {"id": "marketplace", "kind": "marketplace"},
}


def clear_caches() -> None:
    from inventory.logic import for_orders, shards
    from kernel import aws, settings

    settings.settings.cache_clear()
    aws._config.cache_clear()
    aws.client.cache_clear()
    aws.dynamodb.cache_clear()
    shards.forget_all()
    for_orders.forget_locations()


@contextlib.contextmanager
def domain_environment(table_name: str, dynamodb_endpoint: str | None = None, **extra: str):
    values = {"TABLE_NAME": table_name, "EVENT_BUS_NAME": "omni-test", "CHANNELS": json.dumps(CHANNEL_KEYS), **extra}
    if dynamodb_endpoint:  # DynamoDB Local, on a machine that may be loaded
        values.update({"AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint, LOCAL_READ_TIMEOUT: LOCAL_SERVER_READ_TIMEOUT})
    saved = {name: os.environ.get(name) for name in [*values, "AWS_ENDPOINT_URL_DYNAMODB", LOCAL_READ_TIMEOUT]}
    os.environ.update(values)
    clear_caches()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        clear_caches()
