"""Receiving a channel's webhook, in any of the inbound formats: verify, then store the raw body once in
the inbox, and answer. Normalization into Omni's events happens later, from the inbox's stream.

The order matters: nothing about the body is read before its signature is verified, and nothing is stored
unless the delivery is authentic. Omni's own format also checks its body's shape and the channel's right
to send it at the door (decision 15: its senders expect the 422 or 403); Shopify's and the marketplace's
bodies are judged later, where a failure is an inbox state an operator sees, because those senders retry
anything but a 2xx and Shopify drops a subscription that keeps failing. Every refusal leaves an audit row.
"""

from __future__ import annotations

from collections.abc import Mapping

from channels.dal import inbox, secrets
from channels.logic import payloads
from channels.logic.formats.by_name import FORMATS, ID_HEADERS
from channels.models.webhooks import SaleWebhook, Webhook, WebhookAccepted
from kernel import clock
from kernel.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from kernel.settings import Channel, settings

MAX_BODY_BYTES = 256 * 1024  # an inbox item must stay within DynamoDB's 400 KB


def check_channel_may_send(channel: Channel, webhook: Webhook) -> None:
    """Storefronts sell through holds (refused when short) and never move stock themselves: they may not
    report sales after the fact, nor receipts, counts or returns, which are a store's or a warehouse's to post."""
    if channel.kind == "storefront":
        what = "report sales" if isinstance(webhook, SaleWebhook) else f"post stock {webhook.type}s"
        raise Forbidden(f"{channel.id} is a storefront channel: it reserves stock through holds and cannot {what}")


def _door(fmt: str, channel_id: str, headers: Mapping[str, str], body: bytes, now: int) -> tuple[Channel, str, str, str | None]:
    """The checks before anything is stored: (channel, webhook id, topic, sender's time), or a DomainError."""
    channel = settings().channel(channel_id)
    secret = secrets.webhook_secret(channel_id) if channel is not None and channel.format == fmt else None
    if channel is None or secret is None:
        raise NotFound(f"no {fmt} webhook endpoint for channel {channel_id}", field="channel_id")
    delivery = FORMATS[fmt].verify(secret, headers, body, now)
    payloads.check_webhook_id(channel.id, delivery.webhook_id, ID_HEADERS[fmt])
    if len(body) > MAX_BODY_BYTES:
        message = f"the body is {len(body)} bytes; at most {MAX_BODY_BYTES}"
        raise Unprocessable(message, errors=[{"in": "body", "field": "body", "type": "too_long", "message": message}])
    topic = delivery.topic
    if fmt == "omni":
        webhook = payloads.parse_body(body)
        check_channel_may_send(channel, webhook)
        topic = webhook.type
    return channel, delivery.webhook_id, topic, delivery.sent_at


def receive(fmt: str, channel_id: str, headers: Mapping[str, str], body: bytes) -> WebhookAccepted:
    received = clock.now()
    try:
        channel, webhook_id, topic, sent_at = _door(fmt, channel_id, headers, body, int(received.timestamp()))
    except DomainError as refused:
        named = {name.lower(): value for name, value in headers.items()}
        inbox.refused(channel_id, refused.code, refused.detail, named.get(ID_HEADERS[fmt].lower()), received)
        raise
    if inbox.record(channel, webhook_id, fmt, topic, sent_at, body, received):
        return WebhookAccepted(id=webhook_id)
    inbox.note_duplicate(channel.id, webhook_id, received)
    if fmt == "omni":  # decision 15: Omni's senders are told what happened
        raise Conflict(f"webhook {webhook_id} of channel {channel.id} was received before", code="duplicate_delivery", webhook_id=webhook_id)
    return WebhookAccepted(id=webhook_id, status="duplicate")  # Shopify and marketplaces retry anything but a 2xx
