"""Payments' own secrets (Stripe API key, Stripe webhook signing secret, gift card code key): generated,
KMS-encrypted, in the stateful stack, each readable only by the functions that need it."""

from __future__ import annotations

import json

READERS = {
    "stripe-api-key": {"payments.handlers.api.handler", "payments.handlers.orders_events.handler", "payments.handlers.webhook_processor.handler"},
    "stripe-webhook-secret": {"payments.handlers.api.handler"},
    "card-code-key": {"payments.handlers.api.handler"},
}


def _secrets(synth) -> dict[str, str]:
    return {
        secret["Properties"]["Name"].rsplit("/", 1)[-1]: logical_id
        for logical_id, secret in synth.resources("AWS::SecretsManager::Secret", "stateful").items()
        if secret["Properties"]["Name"].startswith(f"omni/{synth.stage}/payments/")
    }


def test_payments_secrets_are_generated_encrypted_and_read_only_by_who_needs_them(synth):
    secrets = _secrets(synth)
    assert sorted(secrets) == sorted(READERS)
    resources = synth.resources("AWS::SecretsManager::Secret", "stateful")
    for name, logical_id in secrets.items():
        props = resources[logical_id]["Properties"]
        assert "SecretString" not in props and props["GenerateSecretString"]["PasswordLength"] >= 32, name
        assert "KmsKeyId" in props, name
    readers: dict[str, set[str]] = {name: set() for name in secrets}
    for fn_id, fn in synth.functions().items():
        for statement in synth.statements_of(fn_id):
            actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
            if "secretsmanager:GetSecretValue" not in actions:
                continue
            for name, logical_id in secrets.items():
                if logical_id in json.dumps(statement["Resource"]):
                    readers[name].add(fn["Properties"]["Handler"])
    assert readers == READERS
