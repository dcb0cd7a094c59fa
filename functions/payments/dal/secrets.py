"""Payments' secrets in Secrets Manager (the Stripe API key, the Stripe webhook signing secret, the key
gift card codes are hashed with): the function's environment maps name → secret ARN (SECRETS, set by
CDK, only for the functions that declare they read them). Values are cached by Powertools' parameters
for 5 minutes per container and never logged."""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters

from kernel.errors import NotFound
from kernel.settings import settings

CACHE_SECONDS = 300
STRIPE_API_KEY = "stripe-api-key"
STRIPE_WEBHOOK_SECRET = "stripe-webhook-secret"
CARD_CODE_KEY = "card-code-key"


def value(name: str) -> str:
    secret_id = settings().secrets.get(name)
    if secret_id is None:
        raise NotFound(f"payments has no {name} configured", field="provider")
    return parameters.get_secret(secret_id, max_age=CACHE_SECONDS)
