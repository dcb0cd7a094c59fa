"""Point the domain code at a table: environment variables plus the caches that read them once."""

from __future__ import annotations

import contextlib
import json
import os

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
    aws.client.cache_clear()
    aws.dynamodb.cache_clear()
    shards.forget_all()
    for_orders.forget_locations()


@contextlib.contextmanager
def domain_environment(table_name: str, dynamodb_endpoint: str | None = None, **extra: str):
    values = {"TABLE_NAME": table_name, "EVENT_BUS_NAME": "omni-test", "CHANNELS": json.dumps(CHANNEL_KEYS), **extra}
    if dynamodb_endpoint:
        values["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb_endpoint
    saved = {name: os.environ.get(name) for name in [*values, "AWS_ENDPOINT_URL_DYNAMODB"]}
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
