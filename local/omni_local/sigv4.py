"""AWS_IAM authorization: SigV4 for service `execute-api`, checked against one local operator credential.

The verifier recomputes the signature with botocore's own SigV4Auth (canonical request, string to
sign, signature) from the request's method, path, query, signed headers, body and X-Amz-Date, so a
client that signs like any AWS SDK passes and any change to what was signed fails. Like API Gateway
it refuses a date more than 5 minutes off.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from omni_local.physical import ACCOUNT, REGION

SERVICE = "execute-api"
MAX_SKEW = timedelta(minutes=5)
_AUTH = re.compile(r"AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)")


@dataclass(frozen=True)
class Operator:
    access_key: str
    secret_key: str
    user_arn: str
    user_id: str


OPERATOR = Operator("LOCALOPERATORKEY", "local-operator-secret", f"arn:aws:iam::{ACCOUNT}:user/local-operator", "AIDALOCALOPERATOR")


class SignatureError(Exception):
    def __init__(self, message: str, error_type: str):
        super().__init__(message)
        self.message, self.error_type = message, error_type


def sign_operator_request(method: str, url: str, body: bytes | str | None = b"", headers: dict | None = None, operator: Operator = OPERATOR, now: datetime | None = None) -> dict[str, str]:
    """The headers to send (yours plus Authorization and X-Amz-Date) for a request signed as the operator."""
    body = body.encode() if isinstance(body, str) else (body or b"")
    request = AWSRequest(method=method.upper(), url=url, data=body, headers=dict(headers or {}))
    signer = SigV4Auth(Credentials(operator.access_key, operator.secret_key), SERVICE, REGION)
    if now is None:
        signer.add_auth(request)
    else:  # a chosen time (tests of clock skew): sign as add_auth would at that moment
        request.context["timestamp"] = now.strftime("%Y%m%dT%H%M%SZ")
        request.headers["X-Amz-Date"] = request.context["timestamp"]
        canonical = signer.canonical_request(request)
        signature = signer.signature(signer.string_to_sign(request, canonical), request)
        signer._inject_signature_to_request(request, signature)
    return dict(request.headers.items())


def verify(method: str, url: str, headers: dict[str, str], body: bytes, operators: dict[str, Operator] | None = None, now: datetime | None = None) -> Operator:
    """The operator who signed this request, or SignatureError with API Gateway's message and type.
    `url` is the full URL as received (scheme, host, raw path and query); `headers` as received."""
    operators = operators or {OPERATOR.access_key: OPERATOR}
    lower = {name.lower(): value for name, value in headers.items()}
    authorization = lower.get("authorization", "")
    if not authorization:
        raise SignatureError("Missing Authentication Token", "MissingAuthenticationTokenException")
    match = _AUTH.match(authorization.strip())
    if not match:
        raise SignatureError(f"Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization={authorization}", "IncompleteSignatureException")
    credential, signed_headers, signature = match.groups()
    access_key, _, scope = credential.partition("/")
    date, region, service = (scope.split("/") + ["", "", ""])[:3]
    operator = operators.get(access_key)
    if operator is None:
        raise SignatureError("The security token included in the request is invalid.", "UnrecognizedClientException")
    stamp = lower.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", "IncompleteSignatureException") from None
    now = now or datetime.now(UTC)
    if abs(now - signed_at) > MAX_SKEW:
        raise SignatureError(f"Signature expired: {stamp} is now earlier than {(now - MAX_SKEW):%Y%m%dT%H%M%SZ} ({now:%Y%m%dT%H%M%SZ} - 5 min.)", "InvalidSignatureException")
    if (date, region, service) != (stamp[:8], REGION, SERVICE):
        raise SignatureError(f"Credential should be scoped to a valid region and service '{SERVICE}'.", "InvalidSignatureException")
    declared = lower.get("x-amz-content-sha256")
    if declared and declared != hashlib.sha256(body).hexdigest():
        raise SignatureError("The request signature we calculated does not match the signature you provided.", "InvalidSignatureException")

    names = signed_headers.split(";")
    request = AWSRequest(method=method.upper(), url=url, data=body, headers={name: lower.get(name, "") for name in names})
    request.context["timestamp"] = stamp
    signer = SigV4Auth(Credentials(operator.access_key, operator.secret_key), SERVICE, REGION)
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    if not hmac.compare_digest(expected, signature):
        raise SignatureError(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            "InvalidSignatureException",
        )
    return operator


try:  # a requests auth class, for tests and tools that use requests
    import requests

    class OperatorAuth(requests.auth.AuthBase):
        """`requests.get(url, auth=OperatorAuth())` signs each request as the local operator."""

        def __init__(self, operator: Operator = OPERATOR):
            self.operator = operator

        def __call__(self, request):
            keep = {k: v for k, v in request.headers.items() if k.lower() in ("content-type", "x-api-key")}
            signed = sign_operator_request(request.method, request.url, request.body, keep, self.operator)
            request.headers.update({k: v for k, v in signed.items() if k in ("Authorization", "X-Amz-Date")})
            return request
except ImportError:  # pragma: no cover - requests is a dev dependency
    pass
