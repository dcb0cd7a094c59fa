"""Keyed hashes of normalized identifiers: HMAC-SHA256 with the domain's secret (Secrets Manager), so the
index holds no value anyone could look up without the key. The key must not rotate without re-keying
every identifier row (a rotated key would make every known person new)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from aws_lambda_powertools.utilities import parameters

from kernel.settings import settings

SECRET_NAME = "identifier-key"
CACHE_SECONDS = 3600


def _key() -> bytes:
    arn = settings().secrets.get(SECRET_NAME)
    if not arn:
        raise RuntimeError(f"no {SECRET_NAME} secret configured (SECRETS)")
    return parameters.get_secret(arn, max_age=CACHE_SECONDS).encode()


def keyed(kind: str, value: str, key: bytes | None = None) -> str:
    """The identifier id of a normalized value: `<kind>:<128-bit HMAC, base32>`."""
    return f"{kind}:{_mac(f'{kind}:{value}', 16, key)}"


def keyed_word(value: str, key: bytes | None = None) -> str:
    """A name word's variant, keyed: 64 bits are plenty to compare within one cluster, and keep names small."""
    return _mac(f"name:{value}", 8, key)


def _mac(text: str, size: int, key: bytes | None) -> str:
    """The first `size` bytes of the text's HMAC-SHA256 under the identifier key, base32, lower case."""
    mac = hmac.new(key if key is not None else _key(), text.encode(), hashlib.sha256).digest()[:size]
    return base64.b32encode(mac).decode().rstrip("=").lower()
