"""boto3 clients, created on first use and reused for the life of the execution environment."""

from __future__ import annotations

from functools import cache

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)


@cache
def client(service: str):
    return boto3.client(service, config=_CONFIG)


@cache
def dynamodb():
    """The resource layer's client: it takes and returns plain Python values (Decimal for numbers),
    for every operation, transactions included."""
    return boto3.resource("dynamodb", config=_CONFIG).meta.client
