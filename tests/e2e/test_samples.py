"""Every sample in events/samples can be sent into its function on the running system."""

import json
from pathlib import Path

import pytest

from omni_local.invoke import with_local_key_ids

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "events" / "samples").glob("*/*.json"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_sample_runs_through_its_function(runtime, path):
    event = json.loads(with_local_key_ids(path.read_text(), runtime.state()))
    if event.get("resource", "").startswith("/v1/webhooks/{channel_id}"):  # signed with the sample secret, long ago
        from omni_client import OmniClient
        from support.webhooks import resigned

        event = resigned(event, OmniClient(runtime.state()).webhook_secret(event["pathParameters"]["channel_id"]))
    if event.get("resource") == "/v1/webhooks/payments/{provider}":  # Stripe-signed with the sample secret, long ago
        from omni_local.stripe_standin import sign

        signature = sign(runtime.stripe.webhook_secret, event["body"])
        event["headers"]["Stripe-Signature"], event["multiValueHeaders"]["Stripe-Signature"] = signature, [signature]
    invocation = runtime.invoke(path.parent.name, event)
    assert invocation.ok, invocation.describe_error()
    if "httpMethod" in event:  # the credential was accepted; the answer may be 404 on an empty system
        assert invocation.result["statusCode"] not in (401, 403) and invocation.result["statusCode"] < 500, invocation.result
    runtime.wait_idle(30)
