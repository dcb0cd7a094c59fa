"""Stripe, through its official SDK: the only code that calls it. Card data never reaches Omni; Omni
sees PaymentIntent ids and amounts only.

The SDK costs about 140 ms to import, so it is imported here, on the first call, never by a handler at
cold start. The API key comes from Secrets Manager (cached); STRIPE_API_BASE points the SDK at another
API base (the local stand-in, `omni_local.stripe_standin`), as `stripe.api_base` does. Every call that
changes money carries an idempotency key derived from Omni's ids, so a retried Lambda never charges twice.
"""

from __future__ import annotations

import os
from functools import lru_cache

from payments.dal import secrets

TOLERANCE_SECONDS = 300


class SignatureRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@lru_cache(maxsize=2)  # per API key: a rotated key gets a new client
def _client(api_key: str):
    import stripe

    base = os.environ.get("STRIPE_API_BASE")
    return stripe.StripeClient(api_key, base_addresses={"api": base} if base else None, max_network_retries=2)


def _stripe():
    return _client(secrets.value(secrets.STRIPE_API_KEY)).v1


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def create_intent(*, amount: int, currency: str, capture_method: str, metadata: dict, idempotency_key: str) -> dict:
    params = {"amount": amount, "currency": currency.lower(), "capture_method": capture_method, "metadata": metadata, "automatic_payment_methods": {"enabled": True}}
    return _plain(_stripe().payment_intents.create(params=params, options={"idempotency_key": idempotency_key}))


def retrieve_intent(intent_id: str) -> dict:
    return _plain(_stripe().payment_intents.retrieve(intent_id))


def capture(intent_id: str, amount: int, idempotency_key: str) -> dict:
    return _plain(_stripe().payment_intents.capture(intent_id, params={"amount_to_capture": amount}, options={"idempotency_key": idempotency_key}))


def cancel(intent_id: str, idempotency_key: str) -> dict:
    return _plain(_stripe().payment_intents.cancel(intent_id, options={"idempotency_key": idempotency_key}))


def refund(intent_id: str, amount: int, metadata: dict, idempotency_key: str) -> dict:
    params = {"payment_intent": intent_id, "amount": amount, "metadata": metadata}
    return _plain(_stripe().refunds.create(params=params, options={"idempotency_key": idempotency_key}))


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
