"""Stripe, through its official SDK: the only code that calls it. Card data never reaches Omni; Omni
sees PaymentIntent ids and amounts only.

The SDK costs about 140 ms to import, so it is imported here, on the first call, never by a handler at
cold start. The API key comes from Secrets Manager (cached); STRIPE_API_BASE points the SDK at another
API base (the local stand-in, `omni_local.stripe_standin`), as `stripe.api_base` does. Every call that
changes money carries an idempotency key derived from Omni's ids, so a retried Lambda never charges twice.

Stripe's failures are answered here, in one place, as problems (decision 54): a declined card is 402
payment_declined; Stripe unreachable, timing out or throttling is 503 provider_unavailable with Retry-After;
any other error Stripe answers (its own 5xx, a refused API key, a refused request) is 502 provider_error.
Each call either returns Stripe's answer or raises before Omni writes anything about it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from kernel.errors import BadGateway, PaymentRequired, ServiceUnavailable
from payments.dal import secrets

TOLERANCE_SECONDS = 300
RETRY_AFTER_SECONDS = 5  # what a caller is told to wait when Stripe is away or throttling
TIMEOUT_SECONDS = 5.0  # per attempt; with the SDK's 2 retries the API function (15 s) still answers


class SignatureRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@lru_cache(maxsize=2)  # per API key: a rotated key gets a new client
def _client(api_key: str):
    import stripe

    base = os.environ.get("STRIPE_API_BASE")
    return stripe.StripeClient(api_key, base_addresses={"api": base} if base else None, max_network_retries=2, http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS))


@contextmanager
def _stripe() -> Iterator:
    """The SDK's v1 services; a Stripe error raised inside becomes the problem that describes it."""
    import stripe

    try:
        yield _client(secrets.value(secrets.STRIPE_API_KEY)).v1
    except stripe.CardError as error:
        decline = getattr(error, "error", None)
        raise PaymentRequired("the card was declined", decline_code=getattr(decline, "decline_code", None) or error.code or "card_declined") from None
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        why = "is throttling Omni" if isinstance(error, stripe.RateLimitError) else "could not be reached in time"
        raise ServiceUnavailable(f"Stripe {why}: no money moved, try again", retry_after=RETRY_AFTER_SECONDS, provider="stripe") from None
    except stripe.StripeError as error:  # its own 5xx, a refused key, a request it refuses
        server = (error.http_status or 500) >= 500
        raise BadGateway(
            f"Stripe answered {error.http_status or 'an error'}: no money moved",
            retry_after=RETRY_AFTER_SECONDS if server else None,
            provider="stripe",
            provider_code=error.code or type(error).__name__,
        ) from None


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def create_intent(*, amount: int, currency: str, capture_method: str, metadata: dict, idempotency_key: str) -> dict:
    params = {"amount": amount, "currency": currency.lower(), "capture_method": capture_method, "metadata": metadata, "automatic_payment_methods": {"enabled": True}}
    with _stripe() as v1:
        return _plain(v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key}))


def retrieve_intent(intent_id: str) -> dict:
    with _stripe() as v1:
        return _plain(v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]}))


def capture(intent_id: str, amount: int, idempotency_key: str) -> dict:
    with _stripe() as v1:
        return _plain(v1.payment_intents.capture(intent_id, params={"amount_to_capture": amount}, options={"idempotency_key": idempotency_key}))


def cancel(intent_id: str, idempotency_key: str) -> dict:
    with _stripe() as v1:
        return _plain(v1.payment_intents.cancel(intent_id, options={"idempotency_key": idempotency_key}))


def cancel_if_open(intent_id: str, idempotency_key: str, reason: str) -> dict:
    """Cancel an intent that holds no money yet; an authorized or paid one is left alone. The intent as it is after."""
    intent = retrieve_intent(intent_id)
    if intent.get("status") in ("requires_capture", "succeeded", "canceled", "processing"):
        return intent
    try:
        with _stripe() as v1:
            return _plain(v1.payment_intents.cancel(intent_id, params={"cancellation_reason": reason}, options={"idempotency_key": idempotency_key}))
    except BadGateway as error:
        if error.extra.get("provider_code") != "payment_intent_unexpected_state":
            raise
    return retrieve_intent(intent_id)  # confirmed in between: it is what it is


def refund(intent_id: str, amount: int, metadata: dict, idempotency_key: str) -> dict:
    params = {"payment_intent": intent_id, "amount": amount, "metadata": metadata}
    with _stripe() as v1:
        return _plain(v1.refunds.create(params=params, options={"idempotency_key": idempotency_key}))


def verified_event(payload: bytes, signature_header: str | None) -> dict:
    """The event a Stripe-Signature header signs, verified by the SDK (300 s tolerance), as a plain dict."""
    import stripe

    secret = secrets.value(secrets.STRIPE_WEBHOOK_SECRET)
    try:
        event = stripe.Webhook.construct_event(payload, signature_header or "", secret, tolerance=TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError as error:
        code = "stale_timestamp" if "tolerance" in str(error) else "invalid_signature"
        raise SignatureRefused(code, "the timestamp is outside the tolerance (300 s)" if code == "stale_timestamp" else "no signature matches the webhook secret") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise SignatureRefused("json_invalid", f"the body is not a Stripe event: {error}") from None
    return _plain(event)
