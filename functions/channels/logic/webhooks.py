"""Receiving a channel's webhook: verify, then validate, then record it once in the inbox.

The order matters: nothing about the body is read before its signature is verified, and nothing is
written unless every check passed. The inbox item's insert is what becomes Omni's event (the outbox).
"""

from __future__ import annotations

from collections.abc import Mapping

from channels.dal import inbox, secrets
from channels.logic import payloads, signatures
from channels.models.webhooks import SaleWebhook, Webhook, WebhookAccepted
from kernel import clock
from kernel.errors import Forbidden, NotFound
from kernel.settings import Channel, settings


def check_channel_may_send(channel: Channel, webhook: Webhook) -> None:
    """Storefronts sell through holds (refused when short) and never move stock themselves: they may not
    report sales after the fact, nor receipts or counts, which are a store's or a warehouse's to post."""
    if channel.kind == "storefront":
        what = "report sales" if isinstance(webhook, SaleWebhook) else f"post stock {webhook.type}s"
        raise Forbidden(f"{channel.id} is a storefront channel: it reserves stock through holds and cannot {what}")


def receive(channel_id: str, headers: Mapping[str, str], body: bytes) -> WebhookAccepted:
    channel = settings().channel(channel_id)
    secret = secrets.webhook_secret(channel_id) if channel else None
    if channel is None or secret is None:
        raise NotFound(f"no webhook endpoint for channel {channel_id}", field="channel_id")
    now = clock.now()
    delivery = signatures.verify(secret, headers, body, int(now.timestamp()))
    payloads.check_webhook_id(channel.id, delivery.webhook_id)
    webhook = payloads.parse_body(body)
    check_channel_may_send(channel, webhook)
    inbox.record(channel, delivery.webhook_id, webhook.model_dump(mode="json"), now)
    return WebhookAccepted(id=delivery.webhook_id)
