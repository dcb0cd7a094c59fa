"""End-to-end fixtures: the whole system on the local runtime, driven over real HTTP.

- `runtime` (session): runs `omni_local.Runtime` in-process, on free ports, on the CDK app synthesized
  once per session by the root `cdk_out` fixture (infra/app.py with CDK_OUTDIR, or $OMNI_CDK_OUT).
  Retries are quicker than AWS's (async backoff 50 ms, stream backoff 50 ms, a failed SQS message
  visible again after 1 s); counts and destinations are the template's.
  A test module may override `runtime` (the local runtime's own tests run it on a fixture app);
  every helper below follows whichever `runtime` is in force.
- `operator_session`: a requests session signing every call as the local operator (AWS_IAM routes).
- `channel_session("web")`: a requests session sending that channel's API key.
- `shopper_session("web", sub=..., email=...)`: channel key plus a shopper token (Cognito routes).
- `shopper_token(sub=..., email=...)`: just the token.
Call `runtime.wait_idle()` after a write to let streams, events and queues settle before asserting.
A `wait_idle` that times out names each delivery, batch or request still running and the pollers not settled.
A new e2e test uses the session `runtime` and these sessions; it writes ids of its own (not the demo shoppers'
orders), so what it leaves behind cannot fail another test's events.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from omni_local.runtime import Runtime
from omni_local.sigv4 import OperatorAuth

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config, items):
    """Every e2e test runs on DynamoDB Local: mark them so a run can select or deselect them."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.dynamodb_local)


@pytest.fixture(scope="session")
def runtime(cdk_out):
    local = Runtime(cdk_out, repo_root=REPO, port=0, async_retry_delay=0.05, stream_retry_delay=0.05, queue_retry_visibility=1)
    local.start()
    yield local
    local.stop()


class BaseUrlSession(requests.Session):
    """A session whose relative URLs (`/v1/products`) go to the local API."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        return super().request(method, urljoin(self.base_url, url), *args, **kwargs)


@pytest.fixture
def operator_session(runtime):
    session = BaseUrlSession(runtime.api_url)
    session.auth = OperatorAuth()
    yield session
    session.close()


@pytest.fixture
def channel_session(runtime):
    sessions = []

    def make(channel: str = "web") -> BaseUrlSession:
        session = BaseUrlSession(runtime.api_url)
        session.headers["x-api-key"] = runtime.api_key(channel)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


@pytest.fixture
def shopper_token(runtime):
    def make(sub: str | None = None, email: str | None = None, **claims) -> str:
        return runtime.mint_token(sub, email, **claims)

    return make


@pytest.fixture
def shopper_session(channel_session, shopper_token):
    def make(channel: str = "web", sub: str | None = None, email: str | None = None, **claims) -> BaseUrlSession:
        session = channel_session(channel)
        session.headers["Authorization"] = shopper_token(sub, email, **claims)
        return session

    return make
