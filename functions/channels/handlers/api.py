"""Channel webhook routes: thin, the checks are in channels.logic.

The body is not a declared parameter on purpose: the resolver would parse and validate it before the
handler runs, and a webhook's body must not be read before its signature is verified.
"""

from __future__ import annotations

import base64
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from channels.logic import webhooks
from channels.models.webhooks import WebhookAccepted
from kernel.api import create_app, lambda_handler
from kernel.auth import WEBHOOK
from kernel.types import ChannelId

app = create_app()
TAGS = ["channels"]


def _raw_body() -> bytes:
    """The bytes the sender signed."""
    event = app.current_event
    if event.body is None:
        return b""
    return base64.b64decode(event.body) if event.is_base64_encoded else event.body.encode()


@app.post(
    "/v1/webhooks/<channel_id>",
    tags=TAGS,
    summary="Receive a signed webhook from a channel: a sale that already happened, or a stock receipt",
    description=(
        'Body: {"type": "sale", "data": {"lines": [{"sku", "location_id", "quantity"}]}} or '
        '{"type": "receipt", "data": {"sku", "location_id", "quantity"}}. Headers: Omni-Webhook-Id (unique per delivery; '
        "a repeat is 409 duplicate_delivery), Omni-Webhook-Timestamp (unix seconds, within 300 s) and Omni-Webhook-Signature. "
        "The body is validated after the signature."
    ),
    status_code=202,
    **WEBHOOK,
)
def receive_webhook(channel_id: Annotated[ChannelId, Path()]) -> WebhookAccepted:
    return webhooks.receive(channel_id, app.current_event.headers, _raw_body())


handler = lambda_handler(app)
