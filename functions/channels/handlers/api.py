"""Channels routes: the webhook doors (one per inbound format) and the operator's registry, inbox and
dead-letter routes. Thin: the rules are in channels.logic.

A webhook's body and signature headers are not declared parameters on purpose: the resolver would parse
and validate them before the handler runs, and a webhook's body must not be read before its signature
is verified. `unparsed_request` documents them in the OpenAPI document without the resolver touching them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from channels.logic.formats import marketplace, shopify
from channels.logic.signatures import ID_HEADER, TIMESTAMP_HEADER
from channels.models.marketplace import MarketplaceDelivery
from channels.models.shopify import ShopifyWebhookBody
from channels.models.webhooks import WEBHOOK as WEBHOOK_BODY
from channels.models.webhooks import WebhookAccepted
from kernel import queues
from kernel.api import create_app, lambda_handler
from kernel.auth import MARKETPLACE_WEBHOOK, OPERATOR, SHOPIFY_WEBHOOK, WEBHOOK, current_caller
from kernel.contract import unparsed_body, unparsed_request
from kernel.errors import errors
from kernel.lazy import on_first_use
from kernel.types import ChannelId, Identifier

# Imported on the first request of a route that uses them (kernel.lazy, decision 70), not by the init.
inbox, registry, webhooks = on_first_use(globals(), "channels.logic", "inbox", "registry", "webhooks")
DeadLetter, DeadLetterRedriveIn, DeadLetterRedriveResult, DeadLetters, InboxDetail, InboxPage, InboxState, ReplayIn, ReplayResult = on_first_use(
    globals(), "channels.models.inbox", "DeadLetter", "DeadLetterRedriveIn", "DeadLetterRedriveResult", "DeadLetters", "InboxDetail", "InboxPage", "InboxState", "ReplayIn", "ReplayResult"
)
ChannelName, ChannelView, LocationMapping, LocationMappingIn, Mappings, SkuMapping, SkuMappingIn, SubscriptionIn = on_first_use(
    globals(), "channels.models.registry", "ChannelName", "ChannelView", "LocationMapping", "LocationMappingIn", "Mappings", "SkuMapping", "SkuMappingIn", "SubscriptionIn"
)

app = create_app()
TAGS = ["channels"]
Channel = Annotated[ChannelId, Path()]
OUTBOUND_QUEUE = "OutboundSender"


# --- webhook doors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Door:
    """One inbound format's webhook route: everything its OpenAPI operation says; the handler is the same."""

    format: str  # channels.logic.formats.by_name's key
    path: str
    operation: str  # the function name Powertools derives the operationId from
    summary: str
    description: str
    responses: dict
    body: object  # the body's schema, documented only (unparsed_request)
    headers: dict[str, dict]
    body_description: str
    security: dict
    status_code: int = 200


DOORS = (
    Door(
        "omni",
        "/v1/webhooks/<channel_id>",
        "receive_webhook",
        "Receive a signed webhook from a channel: a sale or return that already happened, a stock receipt or count",
        "The channel's server signs each delivery: Omni-Webhook-Signature is v1=<hex HMAC-SHA256 of "
        "'<Omni-Webhook-Id>.<Omni-Webhook-Timestamp>.<raw body>' with the channel's webhook secret>. "
        "The headers and the body are checked after the signature (an unsigned request is 401 whatever it holds).",
        errors(404, described={403: "A storefront channel cannot report sales", 409: "This Omni-Webhook-Id was accepted before (duplicate_delivery)"}),
        WEBHOOK_BODY,
        {
            ID_HEADER: {"type": "string", "minLength": 1, "maxLength": 63, "description": "unique per delivery (a redelivery keeps it); letters, digits, . _ : -"},
            TIMESTAMP_HEADER: {"type": "string", "pattern": "^[0-9]{1,12}$", "maxLength": 12, "description": "unix seconds when it was signed, within 300 s of Omni's clock"},
        },
        "a sale or return that already happened, a stock receipt or count",
        WEBHOOK,
        status_code=202,
    ),
    Door(
        "shopify",
        "/v1/webhooks/<channel_id>/shopify",
        "receive_shopify",
        "Receive a Shopify webhook (orders/create, orders/cancelled, refunds/create, inventory_levels/update)",
        "As Shopify sends it: X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of the raw body with the app's secret; "
        "X-Shopify-Webhook-Id deduplicates (a repeat is answered 200 `duplicate`: Shopify retries anything else), and a "
        "webhook triggered more than 6 hours ago (X-Shopify-Triggered-At) is refused. The body is stored as received "
        "and normalized later; what it became is in the channel's inbox.",
        errors(404, 422),
        ShopifyWebhookBody,
        {
            shopify.ID_HEADER: {"type": "string", "minLength": 1, "maxLength": 63, "description": "Shopify's delivery id"},
            shopify.TOPIC_HEADER: {"type": "string", "minLength": 1, "maxLength": 64, "description": "e.g. orders/create"},
            shopify.TRIGGERED_HEADER: {"type": "string", "minLength": 1, "maxLength": 64, "description": "ISO 8601: when the event was triggered"},
        },
        "a Shopify order, refund or inventory level, as Shopify's webhooks send them",
        SHOPIFY_WEBHOOK,
    ),
    Door(
        "marketplace",
        "/v1/webhooks/<channel_id>/marketplace",
        "receive_marketplace",
        "Receive a marketplace order delivery (order.created, order.cancelled: events/formats/marketplace.md)",
        "Marketplace-Signature is t=<unix seconds>,v1=<base64url HMAC-SHA512 of '<t>.<Marketplace-Delivery-Id>.<raw body>'> "
        "with the channel's webhook secret, within 300 s; a repeated delivery id is answered 200 `duplicate`.",
        errors(404, 422),
        MarketplaceDelivery,
        {marketplace.ID_HEADER: {"type": "string", "minLength": 1, "maxLength": 63, "description": "unique per delivery (a retry keeps it)"}},
        "an order placed or cancelled on the marketplace",
        MARKETPLACE_WEBHOOK,
    ),
)


def _open(door: Door) -> None:
    def receive(channel_id: Channel) -> WebhookAccepted:
        return webhooks.receive(door.format, channel_id, app.current_event.headers, unparsed_body(app.current_event))

    receive.__name__ = receive.__qualname__ = door.operation
    app.post(
        door.path,
        tags=TAGS,
        summary=door.summary,
        description=door.description,
        status_code=door.status_code,
        responses=door.responses,
        openapi_extensions=unparsed_request(door.body, door.headers, door.body_description),
        **door.security,
    )(receive)


for door in DOORS:
    _open(door)


# --- the registry (operators) --------------------------------------------------------------------


@app.get("/v1/channels", tags=TAGS, summary="Every channel: kind, type, inbound format, outbound subscription", **OPERATOR)
def list_channels() -> list[ChannelView]:
    return registry.channels()


@app.get("/v1/channels/<channel_id>", tags=TAGS, summary="A channel of the registry", responses=errors(404), **OPERATOR)
def get_channel(channel_id: Channel) -> ChannelView:
    return registry.channel(channel_id)


@app.get("/v1/channels/<channel_id>/mappings", tags=TAGS, summary="A channel's SKU and location mappings to Omni's", responses=errors(404), **OPERATOR)
def get_mappings(channel_id: Channel) -> Mappings:
    return registry.mappings(channel_id)


@app.put("/v1/channels/<channel_id>/mappings/skus/<channel_sku>", tags=TAGS, summary="Map a channel's SKU to Omni's", responses=errors(404, 409), **OPERATOR)
def put_sku_mapping(channel_id: Channel, channel_sku: Annotated[ChannelName, Path()], body: SkuMappingIn) -> SkuMapping:
    return registry.map_sku(channel_id, channel_sku, body)


@app.delete("/v1/channels/<channel_id>/mappings/skus/<channel_sku>", tags=TAGS, summary="Remove a SKU mapping", responses=errors(404, 409), **OPERATOR)
def delete_sku_mapping(channel_id: Channel, channel_sku: Annotated[ChannelName, Path()]) -> SkuMapping:
    return registry.unmap_sku(channel_id, channel_sku)


@app.put(
    "/v1/channels/<channel_id>/mappings/locations/<channel_location>",
    tags=TAGS,
    summary="Map a channel's location to Omni's (`default`: where deliveries that name no location go)",
    responses=errors(404),
    **OPERATOR,
)
def put_location_mapping(channel_id: Channel, channel_location: Annotated[ChannelName, Path()], body: LocationMappingIn) -> LocationMapping:
    return registry.map_location(channel_id, channel_location, body)


@app.delete("/v1/channels/<channel_id>/mappings/locations/<channel_location>", tags=TAGS, summary="Remove a location mapping", responses=errors(404), **OPERATOR)
def delete_location_mapping(channel_id: Channel, channel_location: Annotated[ChannelName, Path()]) -> LocationMapping:
    return registry.unmap_location(channel_id, channel_location)


@app.put("/v1/channels/<channel_id>/subscription", tags=TAGS, summary="Subscribe a channel to availability and price updates (signed webhooks)", responses=errors(404), **OPERATOR)
def put_subscription(channel_id: Channel, body: SubscriptionIn) -> ChannelView:
    return registry.subscribe(channel_id, body)


@app.delete("/v1/channels/<channel_id>/subscription", tags=TAGS, summary="Stop a channel's outbound updates", responses=errors(404), **OPERATOR)
def delete_subscription(channel_id: Channel) -> ChannelView:
    return registry.unsubscribe(channel_id)


# --- the inbox (operators) -----------------------------------------------------------------------


@app.get("/v1/channels/<channel_id>/inbox", tags=TAGS, summary="A channel's inbox entries in one state, newest first", responses=errors(404), **OPERATOR)
def list_inbox(
    channel_id: Channel,
    state: Annotated[InboxState, Query()] = "parked",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    after: Annotated[str | None, Query(max_length=2000)] = None,
) -> InboxPage:
    return inbox.entries(channel_id, state, limit, after)


@app.get("/v1/channels/<channel_id>/inbox/<webhook_id>", tags=TAGS, summary="One inbox entry: its raw body, history and events", responses=errors(404), **OPERATOR)
def get_inbox_entry(channel_id: Channel, webhook_id: Annotated[Identifier, Path()]) -> InboxDetail:
    return inbox.entry(channel_id, webhook_id)


@app.post(
    "/v1/channels/<channel_id>/inbox/replay",
    tags=TAGS,
    summary="Normalize inbox entries again (after a mapping or a fix); their events are published again, applied once",
    responses=errors(404),
    **OPERATOR,
)
def replay_inbox(channel_id: Channel, body: ReplayIn) -> ReplayResult:
    return inbox.replay(channel_id, body.webhook_ids, current_caller(app).operator or "operator")


# --- outbound dead letters (operators) -----------------------------------------------------------


@app.get("/v1/outbound/dead-letters", tags=TAGS, summary="A look at the outbound updates that failed every try (left in the queue)", **OPERATOR)
def get_dead_letters(limit: Annotated[int, Query(ge=1, le=10)] = 10) -> DeadLetters:
    return DeadLetters(queue=OUTBOUND_QUEUE, messages=[DeadLetter(**letter) for letter in queues.dead_letters(OUTBOUND_QUEUE, limit)])


@app.post("/v1/outbound/dead-letters/redrive", tags=TAGS, summary="Send dead-lettered outbound updates again (each sends the newest figure)", **OPERATOR)
def redrive_dead_letters(body: DeadLetterRedriveIn) -> DeadLetterRedriveResult:
    moved, remaining = queues.redrive(OUTBOUND_QUEUE, body.limit)
    return DeadLetterRedriveResult(moved=moved, remaining=remaining)


handler = lambda_handler(app)
