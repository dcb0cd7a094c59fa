"""boto3 clients, created on first use and reused for the life of the execution environment."""

from __future__ import annotations

import os
from functools import cache

import boto3
from botocore.config import Config

LOCAL_READ_TIMEOUT = "OMNI_AWS_READ_TIMEOUT"  # seconds; set only for local servers (see _config)


@cache
def _config() -> Config:
    """In AWS a call unanswered in 5 s is retried. A DynamoDB Local on a loaded machine can be slower without
    being wrong, and a write retried after a timeout may fail its own condition: the local runtime and the
    tests raise the read timeout instead (OMNI_AWS_READ_TIMEOUT)."""
    return Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=float(os.environ.get(LOCAL_READ_TIMEOUT, "5")))


@cache
def client(service: str):
    return boto3.client(service, config=_config())


@cache
def dynamodb():
    """The resource layer's client: it takes and returns plain Python values (Decimal for numbers),
    for every operation, transactions included."""
    return boto3.resource("dynamodb", config=_config()).meta.client
