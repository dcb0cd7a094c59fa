"""A small HTTP client for a running Omni: operator calls signed with SigV4 (IAM), channel calls with
the channel's API key, shopper calls with a token, channel webhooks signed with the channel's webhook
secret. Used by the CLI, the demo seed and the e2e tests."""

from __future__ import annotations

import json
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import requests

_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(_ROOT / "functions"), str(_ROOT / "local")]  # usable as a plain script, too

from channels.logic.signatures import signed_headers  # noqa: E402
from omni_local.clients import local_client  # noqa: E402
from omni_local.sigv4 import sign_operator_request  # noqa: E402
from omni_local.state import read_state  # noqa: E402


class OmniClient:
    def __init__(self, state: dict):
        self.state = state
        self.api_url = state["api_url"].rstrip("/")
        self.http = requests.Session()

    @classmethod
    def from_state_file(cls, path: str | None = None) -> OmniClient:
        return cls(read_state(path))

    def _url(self, path: str, params: dict | None) -> str:
        return self.api_url + path + (("?" + urlencode(params, doseq=True)) if params else "")

    def operator(self, method: str, path: str, body=None, params: dict | None = None) -> requests.Response:
        url = self._url(path, params)
        data = json.dumps(body) if body is not None else ""
        headers = sign_operator_request(method, url, data, {"Content-Type": "application/json"})
        return self.http.request(method, url, data=data or None, headers=headers, timeout=30)

    def channel(self, channel: str, method: str, path: str, body=None, params: dict | None = None, token: str | None = None) -> requests.Response:
        headers = {"x-api-key": self.state["channel_keys"][channel], "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = token
        data = json.dumps(body) if body is not None else None
        return self.http.request(method, self._url(path, params), data=data, headers=headers, timeout=30)

    def webhook_secret(self, channel: str) -> str:
        """The channel's webhook secret, as the runtime generated it into its (moto) Secrets Manager."""
        manager = local_client("secretsmanager", self.state["moto_endpoint"])
        suffix = f"/channels/{channel}/webhook-secret"
        names = [secret["Name"] for page in manager.get_paginator("list_secrets").paginate() for secret in page["SecretList"] if secret["Name"].endswith(suffix)]
        if len(names) != 1:
            raise LookupError(f"no single webhook secret for channel {channel!r} (found {names})")
        return manager.get_secret_value(SecretId=names[0])["SecretString"]

    def webhook(self, channel: str, body, webhook_id: str | None = None, timestamp: int | None = None) -> requests.Response:
        """POST /v1/webhooks/<channel> as the channel's server would: no API key, signed. A new delivery
        id unless one is given (give the same id again to replay a delivery)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        webhook_id = webhook_id or f"cli-{uuid.uuid4().hex[:24]}"
        signed = signed_headers(self.webhook_secret(channel), webhook_id, int(time.time()) if timestamp is None else timestamp, data)
        return self.http.post(self._url(f"/v1/webhooks/{channel}", None), data=data, headers={"Content-Type": "application/json", **signed}, timeout=30)

    def shopify_webhook(self, channel: str, topic: str, body, webhook_id: str | None = None) -> requests.Response:
        """POST /v1/webhooks/<channel>/shopify as Shopify sends it (base64 HMAC of the body with the app's secret)."""
        from channels.logic.formats import shopify

        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        signed = shopify.signed_headers(self.webhook_secret(channel), webhook_id or str(uuid.uuid4()), topic, data)
        return self.http.post(self._url(f"/v1/webhooks/{channel}/shopify", None), data=data, headers={"Content-Type": "application/json", **signed}, timeout=30)

    def marketplace_webhook(self, channel: str, body, delivery_id: str | None = None) -> requests.Response:
        """POST /v1/webhooks/<channel>/marketplace as a marketplace sends it (events/formats/marketplace.md)."""
        from channels.logic.formats import marketplace

        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        signed = marketplace.signed_headers(self.webhook_secret(channel), delivery_id or f"cli-{uuid.uuid4().hex[:24]}", int(time.time()), data)
        return self.http.post(self._url(f"/v1/webhooks/{channel}/marketplace", None), data=data, headers={"Content-Type": "application/json", **signed}, timeout=30)

    def shopper_token(self, sub: str, email: str | None = None) -> str:
        response = self.http.post(self.state["token_endpoint"], json={"sub": sub, "email": email or f"{sub}@example.com"}, timeout=10)
        response.raise_for_status()
        return response.json()["token"]
