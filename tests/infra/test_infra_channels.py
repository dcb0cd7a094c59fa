"""Channel webhook secrets: one per channel, generated, KMS-encrypted, in the stateful stack, and
readable by the webhook function (which verifies what channels send) and the outbound sender (which
signs what Omni sends them) alone, which find them by channel in WEBHOOK_SECRETS."""

from __future__ import annotations

import json

WEBHOOK_HANDLER = "channels.handlers.api.handler"
SECRET_READERS = {WEBHOOK_HANDLER, "channels.handlers.outbound_sender.handler"}


def _secrets(synth) -> dict[str, dict]:
    """Channel id -> the secret resource (logical id added), from the stateful stack."""
    found = {}
    for logical_id, secret in synth.resources("AWS::SecretsManager::Secret", "stateful").items():
        name = secret["Properties"]["Name"]
        if name.count("/") != 4:
            continue  # a domain's own secret (omni/<stage>/<domain>/<name>), not a channel's
        _, stage, domain, channel, what = name.split("/")
        assert (stage, domain, what) == (synth.stage, "channels", "webhook-secret"), name
        found[channel] = {**secret, "LogicalId": logical_id}
    return found


def _actions(statement) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def test_one_generated_kms_encrypted_secret_per_channel(synth):
    secrets = _secrets(synth)
    assert sorted(secrets) == sorted(channel.id for channel in synth.omni.config.channels)
    assert not synth.resources("AWS::SecretsManager::Secret"), "secrets belong to the stateful stack"
    (key_id,) = synth.resources("AWS::KMS::Key", "stateful")
    for channel, secret in secrets.items():
        props = secret["Properties"]
        assert props["Name"] == f"omni/{synth.stage}/channels/{channel}/webhook-secret"
        assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}, channel
        assert "SecretString" not in props, "the value is generated, never in the template"
        generated = props["GenerateSecretString"]
        assert generated["PasswordLength"] >= 32 and generated["ExcludePunctuation"] is True, channel
        assert secret["DeletionPolicy"] == ("Retain" if synth.stage == "prod" else "Delete"), channel


def test_the_webhook_function_maps_each_channel_to_its_secret(synth):
    _, fn = synth.function_by_handler(WEBHOOK_HANDLER)
    parts = fn["Properties"]["Environment"]["Variables"]["WEBHOOK_SECRETS"]["Fn::Join"][1]
    rendered = "".join(f"@{json.dumps(p)}@" if isinstance(p, dict) else p for p in parts)
    for channel, secret in _secrets(synth).items():
        imported = next(p for p in parts if isinstance(p, dict) and secret["LogicalId"] in json.dumps(p))
        assert "ExportsOutputRef" in imported["Fn::ImportValue"], "Ref of a secret is its ARN"
        rendered = rendered.replace(f"@{json.dumps(imported)}@", f"arn-of-{channel}")
    assert json.loads(rendered) == {channel: f"arn-of-{channel}" for channel in _secrets(synth)}


def test_no_other_function_knows_the_secrets(synth):
    for fn_id, fn in synth.functions().items():
        if fn["Properties"]["Handler"] not in SECRET_READERS:
            assert "WEBHOOK_SECRETS" not in fn["Properties"]["Environment"]["Variables"], fn_id


def test_only_the_webhook_function_reads_channel_secrets_and_exactly_these(synth):
    secret_ids = sorted(secret["LogicalId"] for secret in _secrets(synth).values())
    readers = set()
    for fn_id, fn in synth.functions().items():
        for statement in synth.statements_of(fn_id):
            if not any(action.startswith("secretsmanager:") for action in _actions(statement)):
                continue
            resources = json.dumps(statement["Resource"])
            if not any(secret_id in resources for secret_id in secret_ids):
                continue  # a domain's own secret (payments', profiles'): their own tests say who reads it
            readers.add(fn["Properties"]["Handler"])
            assert _actions(statement) == ["secretsmanager:GetSecretValue"], fn_id
            assert "*" not in resources, fn_id
            assert sorted(i for i in secret_ids if i in resources) == secret_ids and len(statement["Resource"]) == len(secret_ids), fn_id
    assert readers == SECRET_READERS


def test_profiles_functions_read_only_their_identifier_key(synth):
    """The HMAC key of identifiers: one generated secret, read by the profiles functions that hash, alone."""
    (key_id,) = [logical_id for logical_id, secret in synth.resources("AWS::SecretsManager::Secret", "stateful").items() if secret["Properties"]["Name"] == f"omni/{synth.stage}/profiles/identifier-key"]
    readers = []
    for fn_id, fn in synth.functions().items():
        for statement in synth.statements_of(fn_id):
            if any(action.startswith("secretsmanager:") for action in _actions(statement)) and key_id in json.dumps(statement["Resource"]):
                assert _actions(statement) == ["secretsmanager:GetSecretValue"] and len(statement["Resource"]) == 1, fn_id
                readers.append(fn["Properties"]["Handler"])
    assert sorted(readers) == ["profiles.handlers.api.handler", *["profiles.handlers.consumer.handler"] * 3]


def test_the_webhook_function_decrypts_through_secrets_manager_for_these_secrets(dev):
    fn_id, _ = dev.function_by_handler(WEBHOOK_HANDLER)
    (statement,) = [s for s in dev.statements_of(fn_id) if _actions(s) == ["kms:Decrypt"] and "SecretARN" in json.dumps(s)]
    conditions = statement["Condition"]["StringEquals"]
    assert "secretsmanager." in json.dumps(conditions["kms:ViaService"])
    for secret in _secrets(dev).values():
        assert secret["LogicalId"] in json.dumps(conditions["kms:EncryptionContext:SecretARN"])
