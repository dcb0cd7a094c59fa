"""The checkout configuration, read once per container from CHECKOUT (cdk.json context `checkout`)."""

from __future__ import annotations

import json
import os
from functools import cache

from orders.models.checkout import CheckoutConfig


@cache
def checkout_config() -> CheckoutConfig:
    return CheckoutConfig.model_validate(json.loads(os.environ.get("CHECKOUT") or "{}"))
