"""Each channel's webhook secret, from Secrets Manager. The function's environment maps channel id →
secret ARN (WEBHOOK_SECRETS, set by CDK); a channel that is not there has no webhook endpoint."""

from __future__ import annotations

import json
import os
from functools import cache

from aws_lambda_powertools.utilities import parameters

# Read at most every 5 minutes per container: after a rotation, senders sign with both secrets for
# at least that long (several signatures per delivery are accepted).
CACHE_SECONDS = 300


@cache
def secret_ids() -> dict[str, str]:
    return json.loads(os.environ.get("WEBHOOK_SECRETS") or "{}")


def webhook_secret(channel_id: str) -> str | None:
    secret_id = secret_ids().get(channel_id)
    if secret_id is None:
        return None
    return parameters.get_secret(secret_id, max_age=CACHE_SECONDS)
