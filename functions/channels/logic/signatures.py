"""Signed webhooks: a generic HMAC scheme in the spirit of the Standard Webhooks spec. Pure: no I/O.

The sender sends three headers:
  Omni-Webhook-Id         its unique id of this delivery (a redelivery keeps it)
  Omni-Webhook-Timestamp  unix seconds when it signed
  Omni-Webhook-Signature  v1=<hex HMAC-SHA256(secret, "<id>.<timestamp>.<raw body>")>, space-separated
                          when there are several (while a secret is rotated, sign with old and new)
Signing the id and the timestamp with the body stops an attacker from replaying a captured body
under a new id or a fresh time; the tolerance bounds how long a captured delivery stays usable.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from kernel.errors import Unauthorized

ID_HEADER = "Omni-Webhook-Id"
TIMESTAMP_HEADER = "Omni-Webhook-Timestamp"
SIGNATURE_HEADER = "Omni-Webhook-Signature"
VERSION = "v1"
TOLERANCE_SECONDS = 300  # both ways: a sender's clock may be a little ahead too


@dataclass(frozen=True)
class SignedDelivery:
    webhook_id: str
    timestamp: int


def signature(secret: str, webhook_id: str, timestamp: int | str, body: bytes) -> str:
    """The `v1=<hex>` signature of one delivery."""
    message = f"{webhook_id}.{timestamp}.".encode() + body
    return f"{VERSION}={hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()}"


def signed_headers(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers a sender adds (the CLI, tests and samples sign with this, so they cannot drift)."""
    return {ID_HEADER: webhook_id, TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature(secret, webhook_id, timestamp, body)}


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: int) -> SignedDelivery:
    """The delivery the headers sign, or Unauthorized: `invalid_signature` (missing, malformed or
    wrong) or `stale_timestamp` (correctly signed, but outside the tolerance: a replay or a bad clock)."""
    named = {name.lower(): value for name, value in headers.items()}
    webhook_id = named.get(ID_HEADER.lower(), "")
    timestamp = named.get(TIMESTAMP_HEADER.lower(), "")
    offered = named.get(SIGNATURE_HEADER.lower(), "").split()
    if not webhook_id or not re.fullmatch(r"[0-9]{1,12}", timestamp) or not offered:  # 12 digits: unix seconds to year 33658
        raise Unauthorized(f"a webhook needs the headers {ID_HEADER}, {TIMESTAMP_HEADER} (unix seconds) and {SIGNATURE_HEADER}", code="invalid_signature")
    expected = signature(secret, webhook_id, timestamp, body).encode()
    # compare_digest on bytes: constant time, and safe for any text a caller may send.
    if not any(hmac.compare_digest(expected, candidate.encode()) for candidate in offered):
        raise Unauthorized("no signature matches the channel's webhook secret", code="invalid_signature")
    skew = now - int(timestamp)
    if abs(skew) > TOLERANCE_SECONDS:
        direction = "old" if skew > 0 else "far in the future"
        raise Unauthorized(f"the webhook timestamp is {abs(skew)} s {direction} (tolerance {TOLERANCE_SECONDS} s)", code="stale_timestamp")
    return SignedDelivery(webhook_id=webhook_id, timestamp=int(timestamp))
