"""Each channel's webhook secret, from Secrets Manager. The function's environment maps channel id →
secret ARN (WEBHOOK_SECRETS, set by CDK); a channel that is not there has no webhook endpoint."""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters

from kernel.settings import settings

# Read at most every 5 minutes per container: after a rotation, senders sign with both secrets for
# at least that long (several signatures per delivery are accepted).
CACHE_SECONDS = 300


def webhook_secret(channel_id: str) -> str | None:
    secret_id = settings().webhook_secrets.get(channel_id)
    if secret_id is None:
        return None
    return parameters.get_secret(secret_id, max_age=CACHE_SECONDS)
