"""A small HTTP client for a running Omni: operator calls signed with SigV4 (IAM), channel calls with
the channel's API key, shopper calls with a token. Used by the CLI, the demo seed and the e2e tests."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import requests

from omni_local.sigv4 import sign_operator_request
from omni_local.state import read_state


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

    def shopper_token(self, sub: str, email: str | None = None) -> str:
        response = self.http.post(self.state["token_endpoint"], json={"sub": sub, "email": email or f"{sub}@example.com"}, timeout=10)
        response.raise_for_status()
        return response.json()["token"]
