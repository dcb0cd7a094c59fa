"""Who is calling: read from the credential API Gateway verified, never from the request body.

Each route declares its audience with one of OPERATOR, CHANNEL or SHOPPER, spread into the route
decorator. The same name sets the OpenAPI `security` (from which the CDK app builds the API Gateway
method's authorization, and kernel.contract the 401/403 the route documents) and a middleware that checks the credential again in the handler, so a route
can never be exposed by mistake with weaker checks than it declares.

WEBHOOK is the exception: channels' servers sign what they send, API Gateway cannot check that
signature, so the method is open at the gateway and the handler verifies the signature itself
(before it reads the body). There is no credential for a middleware to check.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.errors import Forbidden, Unauthorized
from kernel.settings import Channel, settings

# OpenAPI security schemes as plain data: Powertools validates them into its OpenAPI models only when it
# renders the document, so a cold start does not build those ~40 ms of models for nothing.
SECURITY_SCHEMES = {
    "channelKey": {"type": "apiKey", "name": "x-api-key", "in": "header", "description": "API key of the calling channel"},
    "shopperToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "Cognito ID token of the signed-in shopper"},
    # Declared the way API Gateway's OpenAPI extensions declare IAM: an Authorization header of type awsSigv4.
    "operatorIam": {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "description": "AWS Signature Version 4 (IAM) of an operator principal, service execute-api",
        "x-amazon-apigateway-authtype": "awsSigv4",
    },
    "webhookSignature": {
        "type": "apiKey",
        "name": "Omni-Webhook-Signature",
        "in": "header",
        "description": "HMAC: v1=<hex HMAC-SHA256 of '<Omni-Webhook-Id>.<Omni-Webhook-Timestamp>.<raw body>' with the channel's webhook secret>",
    },
    "stripeSignature": {
        "type": "apiKey",
        "name": "Stripe-Signature",
        "in": "header",
        "description": "Stripe's webhook signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>' with the endpoint's signing secret>",
    },
    "shopifyHmac": {
        "type": "apiKey",
        "name": "X-Shopify-Hmac-Sha256",
        "in": "header",
        "description": "Shopify's signature: base64 HMAC-SHA256 of the raw body with the app's secret (the channel's webhook secret)",
    },
    "marketplaceSignature": {
        "type": "apiKey",
        "name": "Marketplace-Signature",
        "in": "header",
        "description": "t=<unix seconds>,v1=<base64url HMAC-SHA512 of '<t>.<Marketplace-Delivery-Id>.<raw body>' with the channel's webhook secret>",
    },
}


@dataclass(frozen=True)
class Caller:
    channel: Channel | None = None
    customer_id: str | None = None
    operator: str | None = None


def caller_of(event) -> Caller:
    context = event.request_context
    identity = context.identity
    channel = settings().channels.get(identity.api_key_id or "")
    claims = (context.authorizer.claims if context.authorizer else None) or {}
    return Caller(channel=channel, customer_id=claims.get("sub"), operator=identity.user_arn)


def _middleware(check):
    def middleware(app, next_middleware):
        caller = caller_of(app.current_event)
        check(caller)
        app.append_context(caller=caller)
        return next_middleware(app)

    return middleware


def _operator(caller: Caller) -> None:
    if not caller.operator:
        raise Forbidden("this route needs operator (IAM) credentials")


def _channel(caller: Caller) -> None:
    if caller.channel is None:
        raise Forbidden("this route needs a channel API key")


def _shopper(caller: Caller) -> None:
    _channel(caller)
    if not caller.customer_id:
        raise Unauthorized("this route needs a shopper token")


OPERATOR = {"security": [{"operatorIam": []}], "middlewares": [_middleware(_operator)]}
CHANNEL = {"security": [{"channelKey": []}], "middlewares": [_middleware(_channel)]}
SHOPPER = {"security": [{"channelKey": [], "shopperToken": []}], "middlewares": [_middleware(_shopper)]}
WEBHOOK = {"security": [{"webhookSignature": []}]}
STRIPE_WEBHOOK = {"security": [{"stripeSignature": []}]}  # a payment provider's own scheme, verified by its SDK
SHOPIFY_WEBHOOK = {"security": [{"shopifyHmac": []}]}
MARKETPLACE_WEBHOOK = {"security": [{"marketplaceSignature": []}]}

# The refusals each credential kind can answer (API Gateway's, and the middleware's above), by scheme.
CREDENTIAL_ERRORS: dict[str, dict[int, str]] = {
    "operatorIam": {403: "No, or an invalid, SigV4 signature, or not an operator"},
    "channelKey": {403: "No, or an unknown, channel API key"},
    "shopperToken": {401: "No or invalid shopper token"},
    "webhookSignature": {401: "Missing, invalid or stale webhook signature"},
    "stripeSignature": {401: "Missing, invalid or stale Stripe-Signature"},
    "shopifyHmac": {401: "Missing or invalid HMAC, or a webhook triggered too long ago"},
    "marketplaceSignature": {401: "Missing, invalid or stale signature"},
}


def current_caller(app) -> Caller:
    return app.context["caller"]
