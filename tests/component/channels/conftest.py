import json

import boto3
import pytest

from channels.handlers import normalizer, outbox
from support.moto_domain import moto_domain
from support.triggers import Context, stream_event
from support.webhooks import TEST_SECRETS, forget_cached_secrets

# The deployment's channels as kernel.settings reads them (API key id -> channel), cdk.json's plus one kind each.
CHANNELS = {
    "key-web": {"id": "web", "kind": "storefront", "type": "web"},
    "key-pos": {"id": "pos", "kind": "store", "type": "pos"},
    "key-marketplace": {"id": "marketplace", "kind": "marketplace", "type": "marketplace"},
    "key-shopify": {"id": "shopify", "kind": "marketplace", "type": "marketplace", "format": "shopify"},
    "key-bazaar": {"id": "bazaar", "kind": "marketplace", "type": "marketplace", "format": "marketplace"},
}


@pytest.fixture
def channels(cdk_out, fresh_table_name, monkeypatch):
    """The channels table, the bus and one webhook secret per channel, under moto."""
    with moto_domain(cdk_out, "channels", fresh_table_name) as domain:
        manager = boto3.client("secretsmanager")
        arns = {channel: manager.create_secret(Name=f"omni/test/channels/{channel}/webhook-secret", SecretString=value)["ARN"] for channel, value in TEST_SECRETS.items()}
        monkeypatch.setenv("WEBHOOK_SECRETS", json.dumps(arns))
        monkeypatch.setenv("CHANNELS", json.dumps(CHANNELS))
        forget_cached_secrets()
        domain.queue = domain.capture_bus("omni.channels")
        yield domain
    forget_cached_secrets()


def settle(channels) -> list[dict]:
    """Run what the cloud runs next on the table's stream, until it is quiet: the normalizer and the outbox
    (the stream's two readers) on each batch of new records; every event that reached the bus."""
    published = []
    while records := channels.stream_records():
        event = stream_event(records, channels.stream_arn)
        assert normalizer.handler(event, Context()) == {"batchItemFailures": []}
        assert outbox.handler(event, Context()) == {"batchItemFailures": []}
        while captured := channels.captured(channels.queue):
            published += captured
    return published


def entry(channels, channel: str, webhook_id: str) -> dict:
    from boto3.dynamodb.types import TypeDeserializer

    item = channels.dynamodb.get_item(TableName=channels.table_name, Key={"pk": {"S": f"WEBHOOK#{channel}"}, "sk": {"S": webhook_id}}).get("Item")
    return {name: TypeDeserializer().deserialize(value) for name, value in item.items()} if item else None


def refusals(channels) -> list[dict]:
    """The audit rows of deliveries refused at the door."""
    return [{k: v.get("S") for k, v in item.items()} for item in channels.items() if item["pk"]["S"].startswith("REFUSED#")]
