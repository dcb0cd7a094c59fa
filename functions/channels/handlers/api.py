"""Channel webhook routes: thin, the checks are in channels.logic.

The body and the signature headers are not declared parameters on purpose: the resolver would parse
and validate them before the handler runs, and a webhook's body must not be read before its signature
is verified. `unparsed_request` documents them in the OpenAPI document without the resolver touching them.
"""

from __future__ import annotations

import base64
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from channels.logic import webhooks
from channels.logic.signatures import ID_HEADER, TIMESTAMP_HEADER
from channels.models.webhooks import WEBHOOK as WEBHOOK_BODY
from channels.models.webhooks import WebhookAccepted
from kernel.api import create_app, lambda_handler
from kernel.auth import WEBHOOK
from kernel.contract import require_json, unparsed_request
from kernel.errors import errors
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
        "The channel's server signs each delivery: Omni-Webhook-Signature is v1=<hex HMAC-SHA256 of "
        "'<Omni-Webhook-Id>.<Omni-Webhook-Timestamp>.<raw body>' with the channel's webhook secret>. "
        "The headers and the body are checked after the signature (an unsigned request is 401 whatever it holds)."
    ),
    status_code=202,
    responses=errors(404, described={403: "A storefront channel cannot report sales", 409: "This Omni-Webhook-Id was accepted before (duplicate_delivery)"}),
    openapi_extensions=unparsed_request(
        WEBHOOK_BODY,
        {
            ID_HEADER: {"type": "string", "minLength": 1, "maxLength": 63, "description": "unique per delivery (a redelivery keeps it); letters, digits, . _ : -"},
            TIMESTAMP_HEADER: {"type": "string", "pattern": "^[0-9]{1,12}$", "maxLength": 12, "description": "unix seconds when it was signed, within 300 s of Omni's clock"},
        },
        "a sale that already happened, or a stock receipt",
    ),
    **WEBHOOK,
)
def receive_webhook(channel_id: Annotated[ChannelId, Path()]) -> WebhookAccepted:
    require_json(app.current_event.headers)
    return webhooks.receive(channel_id, app.current_event.headers, _raw_body())


handler = lambda_handler(app)
