"""boto3 clients for the local endpoints, with fake credentials and the local region."""

from __future__ import annotations

import threading

import boto3
from botocore.config import Config

from omni_local.physical import REGION

_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=30)


_cache: dict[tuple[str, str], object] = {}
_lock = threading.Lock()


def local_client(service: str, endpoint: str):
    """One client per service and endpoint, reused: clients are thread-safe, creating them is not cheap."""
    with _lock:
        if (service, endpoint) not in _cache:
            # A session of its own: boto3's default session is not safe to share between threads.
            session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=REGION)
            _cache[service, endpoint] = session.client(service, endpoint_url=endpoint, config=_CONFIG)
        return _cache[service, endpoint]
