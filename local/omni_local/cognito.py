"""The local Cognito issuer: shopper tokens for COGNITO_USER_POOLS methods, and their verification.

An RSA key is generated when the runtime starts; tokens are RS256 JWTs with the issuer a user pool
would have (`https://cognito-idp.us-east-1.amazonaws.com/<local pool id>`). Verification checks what
API Gateway's Cognito authorizer checks: signature, expiry, issuer of the method's pool, token_use
(and the scopes of an access token when the method names some).
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from omni_local.physical import REGION, URL_SUFFIX


def issuer_of(pool_id: str) -> str:
    return f"https://cognito-idp.{REGION}.{URL_SUFFIX}/{pool_id}"


class TokenError(Exception):
    pass


class LocalIssuer:
    def __init__(self, pool_ids: list[str], client_ids: dict[str, str] | None = None):
        self.pool_ids = pool_ids or ["us-east-1_local"]
        self.client_ids = client_ids or {}  # pool id -> an app client id of it, for `aud`
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key_id = uuid.uuid4().hex

    def mint(self, sub: str | None = None, email: str | None = None, *, pool_id: str | None = None, token_use: str = "id", ttl: int = 3600, scopes: list[str] | None = None, **claims: Any) -> str:
        """A signed token (an ID token unless token_use="access"), valid for `ttl` seconds."""
        pool = pool_id or self.pool_ids[0]
        now = int(time.time())
        sub = sub or str(uuid.uuid4())
        body: dict[str, Any] = {"sub": sub, "iss": issuer_of(pool), "token_use": token_use, "auth_time": now, "iat": now, "exp": now + ttl, "jti": str(uuid.uuid4())}
        client = self.client_ids.get(pool, "localclient")
        if token_use == "id":
            body.update({"aud": client, "cognito:username": email or sub, "email_verified": True})
            if email:
                body["email"] = email
        else:
            body.update({"client_id": client, "username": email or sub, "scope": " ".join(scopes or ["aws.cognito.signin.user.admin"])})
        body.update(claims)
        return jwt.encode(body, self._key, algorithm="RS256", headers={"kid": self.key_id})

    def verify(self, token: str, pool_ids: list[str], scopes: list[str] | None = None) -> dict[str, Any]:
        """The token's claims if it is valid for one of these pools, else TokenError."""
        token = token[7:] if token[:7].lower() == "bearer " else token
        try:
            claims = jwt.decode(token, self._key.public_key(), algorithms=["RS256"], options={"verify_aud": False, "require": ["exp", "iss", "token_use"]})
        except jwt.PyJWTError as error:
            raise TokenError(str(error)) from error
        if claims["iss"] not in {issuer_of(pool) for pool in pool_ids}:
            raise TokenError("issuer is not this method's user pool")
        if scopes:  # API Gateway then wants an access token carrying one of the scopes
            granted = set(str(claims.get("scope", "")).split())
            if claims["token_use"] != "access" or not granted & set(scopes):
                raise TokenError("token lacks the method's scopes")
        elif claims["token_use"] not in ("id", "access"):
            raise TokenError("token_use must be id or access")
        return claims

    def jwks(self) -> dict:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.key_id, "alg": "RS256", "use": "sig"}]}


def claims_as_strings(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway hands them to a REST integration: every value a string, times as dates."""
    out = {}
    for name, value in claims.items():
        if name in ("exp", "iat", "auth_time") and isinstance(value, (int, float)):
            out[name] = datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            out[name] = ",".join(str(v) for v in value)
        else:
            out[name] = str(value)
    return out
