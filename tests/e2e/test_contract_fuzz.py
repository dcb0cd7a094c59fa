"""The API holds to its OpenAPI document for any input: schemathesis generates requests from the
committed docs/openapi.json (valid ones and invalid ones) for every operation it lists, sends them to
the local runtime with the credential each operation declares, and checks that nothing answers 5xx,
every status code and content type is documented, and every body matches its schema.

Every operation of the document is covered without being listed here, so a route added later is held
to the same test from its first commit. The suite runs a bounded number of cases with a fixed seed;
`make fuzz` runs thousands with a random one (OMNI_FUZZ_CASES, OMNI_FUZZ_SEED).
"""

from __future__ import annotations

import itertools
import json
import os
import time
from pathlib import Path

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from omni_local.runtime import Runtime
from omni_local.sigv4 import OperatorAuth

REPO = Path(__file__).resolve().parents[2]
CASES = int(os.environ.get("OMNI_FUZZ_CASES", "4"))  # per operation and generation mode (make fuzz: 100)
# The coverage phase's deterministic cases: in `make test` its valid boundary values (maximum lengths and
# sizes, the values that reach the logic and DynamoDB); `make fuzz` adds its invalid ones (about 3,300 wrong
# types, missing fields and undeclared methods, answered 422, 415 or 403 before any logic runs).
COVERAGE_MODES = os.environ.get("OMNI_FUZZ_COVERAGE_MODES", "positive").split(",")
SEED = int(os.environ.get("OMNI_FUZZ_SEED", "20261201"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Ids of the demo data (tools/demo.py): a path parameter is one of them half of the time, so the
# fuzzer reaches the logic behind the 404s.
KNOWN = {
    "sku": ["TEE-ORG-S", "TEE-ORG-M", "SNK-RUN-42", "MUG-STONE-BLUE"],
    "location_id": ["paris-rivoli", "lyon-bellecour", "wh-central", "dark-paris-11"],
    "channel_id": ["web", "app", "pos", "marketplace"],
    "product_id": ["tee-organic", "mug-stoneware", "sneaker-runner"],
    "reference": ["fuzz-cart-1", "fuzz-cart-2"],
}

schema = schemathesis.openapi.from_path(REPO / "docs" / "openapi.json")
schema.config.generation.update(modes=["positive", "negative"], max_examples=CASES, with_security_parameters=False)
schema.config.phases.coverage.generation.update(modes=COVERAGE_MODES)


@schema.hook("flatmap_path_parameters")
def _known_ids_half_the_time(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    choices = {name: st.one_of(st.just(value), st.sampled_from(KNOWN[name])) if name in KNOWN else st.just(value) for name, value in path_parameters.items()}
    return st.fixed_dictionaries(choices)


class WebhookSignature(requests.auth.AuthBase):
    """Signs the request as the channel of its path does, at send time (over the body as sent)."""

    ids = itertools.count()

    def __init__(self, secrets):
        self.secrets = secrets

    def __call__(self, request):
        from channels.logic.signatures import signed_headers

        channel = request.path_url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        secret = self.secrets(channel) or "no-secret-for-this-channel"
        request.headers.update(signed_headers(secret, f"fuzz-{time.time_ns()}-{next(self.ids)}", int(time.time()), body))
        return request


class StripeSignature(requests.auth.AuthBase):
    """Signs the request as Stripe does (Stripe-Signature over '<t>.<body>' with the local endpoint secret)."""

    def __init__(self, secret: str | None):
        self.secret = secret or "no-stripe-secret"

    def __call__(self, request):
        from omni_local.stripe_standin import sign

        body = request.body or b""
        request.headers["Stripe-Signature"] = sign(self.secret, body.decode(errors="replace") if isinstance(body, bytes) else body)
        return request


class FormatSignature(WebhookSignature):
    """Signs as Shopify (`shopify`) or a marketplace (`marketplace`) signs, for the channel of the path
    (/v1/webhooks/<channel>/<format>), at send time."""

    def __init__(self, secrets, fmt: str):
        super().__init__(secrets)
        self.fmt = fmt

    def __call__(self, request):
        from channels.logic.formats import marketplace, shopify

        channel = request.path_url.split("?")[0].split("/")[3]
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        secret = self.secrets(channel) or "no-secret-for-this-channel"
        delivery = f"fuzz-{time.time_ns()}-{next(self.ids)}"
        signed = shopify.signed_headers(secret, delivery, "orders/create", body) if self.fmt == "shopify" else marketplace.signed_headers(secret, delivery, int(time.time()), body)
        request.headers.update(signed)
        return request


@pytest.fixture(scope="module")
def runtime(cdk_out, tmp_path_factory):
    """The fuzzer's own runtime (it overrides the session runtime of conftest): the demo data and every
    write the fuzzer makes stay out of the other e2e tests."""
    state = tmp_path_factory.mktemp("fuzz") / "runtime.json"
    local = Runtime(cdk_out, repo_root=REPO, port=0, state_file=state, async_retry_delay=0.05, stream_retry_delay=0.05, queue_retry_visibility=1)
    local.start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def api(runtime):
    """The runtime with the demo data in place, and one requests session per credential kind."""
    import demo
    from omni_client import OmniClient

    seeded = demo.seed(runtime)
    KNOWN["order_id"] = list(seeded["orders"].values())  # the shopper's own orders, paid and awaiting payment
    client = OmniClient(runtime.state())
    secrets = {}

    def secret(channel: str) -> str | None:
        if channel not in secrets:
            try:
                secrets[channel] = client.webhook_secret(channel)
            except LookupError:
                secrets[channel] = None
        return secrets[channel]

    sessions = {scheme: requests.Session() for scheme in ("operatorIam", "channelKey", "shopperToken", "webhookSignature", "shopifyHmac", "marketplaceSignature", "stripeSignature")}
    sessions["stripeSignature"].auth = StripeSignature(runtime.stripe.webhook_secret if runtime.stripe else None)
    sessions["operatorIam"].auth = OperatorAuth()
    sessions["channelKey"].headers["x-api-key"] = runtime.api_key("web")
    sessions["shopperToken"].headers.update({"x-api-key": runtime.api_key("web"), "Authorization": runtime.mint_token(demo.SHOPPERS[0], f"{demo.SHOPPERS[0]}@example.com")})
    sessions["webhookSignature"].auth = WebhookSignature(secret)
    sessions["shopifyHmac"].auth = FormatSignature(secret, "shopify")
    sessions["marketplaceSignature"].auth = FormatSignature(secret, "marketplace")
    yield runtime.api_url, sessions
    for session in sessions.values():
        session.close()


def _session_for(case, sessions) -> requests.Session:
    """The credential the operation declares (a shopper route needs the channel key and the token)."""
    schemes = {name for requirement in case.operation.definition.raw.get("security", []) for name in requirement}
    return sessions["shopperToken" if "shopperToken" in schemes else next(iter(schemes))]


@schema.parametrize()
@hypothesis.settings(derandomize=False, deadline=None, suppress_health_check=list(HealthCheck), database=None, print_blob=True)
@hypothesis.seed(SEED)
def test_every_operation_answers_as_documented_for_any_input(case, api):
    base_url, sessions = api
    case.call_and_validate(base_url=base_url, session=_session_for(case, sessions), checks=CHECKS, timeout=30)


def _problem_of(response) -> dict:
    """The body, checked against the document's Problem schema, with the status it was sent with."""
    import jsonschema

    document = schema.raw_schema
    problem = {**document["components"]["schemas"]["Problem"], "$defs": document["components"]["schemas"]}
    problem = json.loads(json.dumps(problem).replace("#/components/schemas/", "#/$defs/"))
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.headers
    body = response.json()
    jsonschema.validate(body, problem)
    assert body["status"] == response.status_code, body
    return body


@pytest.mark.parametrize("method", ["QUERY", "TRACE", "PROPFIND"])
def test_any_http_method_is_answered_as_api_gateway_answers_it(runtime, method):
    response = requests.request(method, f"{runtime.api_url}/v1/locations", timeout=10)
    assert response.status_code == 403
    assert _problem_of(response)["code"] == "MISSING_AUTHENTICATION_TOKEN"


def test_api_gateway_refusals_are_problems_with_their_status(runtime):
    url = runtime.api_url
    cases = {
        "no API key": requests.get(f"{url}/v1/availability", params={"sku": "X"}, timeout=10),
        "unknown path": requests.get(f"{url}/v1/nowhere", timeout=10),
        "no signature": requests.get(f"{url}/v1/locations", timeout=10),
        "bad signature": requests.get(
            f"{url}/v1/locations",
            headers={
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/20261201/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00",
                "X-Amz-Date": "20261201T000000Z",
            },
            timeout=10,
        ),
        "no shopper token": requests.get(f"{url}/v1/me", headers={"x-api-key": runtime.api_key("web")}, timeout=10),
        "missing required query": requests.get(f"{url}/v1/availability", headers={"x-api-key": runtime.api_key("web")}, timeout=10),
    }
    statuses = {name: (response.status_code, _problem_of(response)["code"]) for name, response in cases.items()}
    assert statuses == {
        "no API key": (403, "INVALID_API_KEY"),
        "unknown path": (403, "MISSING_AUTHENTICATION_TOKEN"),
        "no signature": (403, "MISSING_AUTHENTICATION_TOKEN"),
        "bad signature": (403, "INVALID_SIGNATURE"),
        "no shopper token": (401, "UNAUTHORIZED"),
        "missing required query": (400, "BAD_REQUEST_PARAMETERS"),
    }
