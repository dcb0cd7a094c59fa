"""A channel's webhook as its server sends it: signed in its door's scheme, and the API Gateway event it
arrives as. One place for the samples (tools/samples.py) and the tests (tests/support/webhooks.py), so
they cannot drift from each other; each scheme itself is the production one (channels.logic).

A door is the path after /v1/webhooks/<channel_id>: "" (Omni's own format), "shopify" or "marketplace".
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from channels.logic import signatures
from channels.logic.formats import marketplace, shopify
from omni_local.proxy_event import HttpRequest, proxy_event


def signed_headers(door: str, secret: str, delivery_id: str, body: bytes, *, at: int | None = None, topic: str = "", triggered_at: datetime | None = None) -> dict[str, str]:
    """The headers the door's sender adds to `body`, signed `at` (unix seconds; default now). Shopify signs
    no time: it says when the event was triggered (`triggered_at`, else `at`, else the clock's now)."""
    if door == "shopify":
        moment = triggered_at or (datetime.fromtimestamp(at, UTC) if at is not None else None)
        return shopify.signed_headers(secret, delivery_id, topic, body, moment)
    seconds = int(time.time()) if at is None else at
    if door == "marketplace":
        return marketplace.signed_headers(secret, delivery_id, seconds, body)
    return signatures.signed_headers(secret, delivery_id, seconds, body)


def webhook_event(
    channel_id: str,
    raw: bytes,
    headers: dict[str, str],
    content_type: str = "application/json",
    door: str = "",
    *,
    host: str = "localhost",
    stage: str = "test",
    api_id: str = "test",
) -> dict:
    """The REST proxy event of POST /v1/webhooks/<channel_id>[/<door>]: no API key, no authorizer (method NONE)."""
    suffix = f"/{door}" if door else ""
    request = HttpRequest("POST", f"/v1/webhooks/{channel_id}{suffix}", "", [("Content-Type", content_type), *headers.items()], raw, "198.51.100.7", host)
    return proxy_event(
        request,
        resource="/v1/webhooks/{channel_id}" + suffix,
        resource_id=api_id,
        path_parameters={"channel_id": channel_id},
        stage=stage,
        api_id=api_id,
        identity={},
        authorizer=None,
        binary_types=[],
    )
