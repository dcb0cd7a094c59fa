import json

import boto3
import pytest

from support.moto_domain import moto_domain
from support.webhooks import TEST_SECRETS, forget_cached_secrets


@pytest.fixture
def channels(cdk_out, fresh_table_name, monkeypatch):
    """The channels table, the bus and one webhook secret per channel, under moto."""
    with moto_domain(cdk_out, "channels", fresh_table_name) as domain:
        manager = boto3.client("secretsmanager")
        arns = {channel: manager.create_secret(Name=f"omni/test/channels/{channel}/webhook-secret", SecretString=value)["ARN"] for channel, value in TEST_SECRETS.items()}
        monkeypatch.setenv("WEBHOOK_SECRETS", json.dumps(arns))
        forget_cached_secrets()
        domain.queue = domain.capture_bus("omni.channels")
        yield domain
    forget_cached_secrets()
