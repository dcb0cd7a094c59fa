"""API Gateway REST (payload 1.0) Lambda proxy events, and the HTTP response from a handler's answer."""

from __future__ import annotations

import base64
import fnmatch
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from omni_local.physical import ACCOUNT


@dataclass
class HttpRequest:
    method: str
    path: str  # decoded, without the query
    query: str
    headers: list[tuple[str, str]]  # as received, repeated names kept
    body: bytes
    source_ip: str
    host: str


def _is_binary(content_type: str, binary_types: list[str]) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return any(fnmatch.fnmatch(kind, pattern.lower().replace("~1", "/")) for pattern in binary_types)


def proxy_event(
    request: HttpRequest,
    *,
    resource: str,
    resource_id: str,
    path_parameters: dict[str, str],
    stage: str,
    api_id: str,
    identity: dict[str, Any],
    authorizer: dict[str, Any] | None,
    binary_types: list[str],
) -> dict[str, Any]:
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    for name, value in (("X-Forwarded-For", request.source_ip), ("X-Forwarded-Proto", "http"), ("X-Amzn-Trace-Id", f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}")):
        if name.lower() not in {h.lower() for h in headers}:
            headers[name] = value
            multi_headers[name] = [value]
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True):
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    content_type = next((v for n, v in request.headers if n.lower() == "content-type"), "")
    binary = bool(request.body) and _is_binary(content_type, binary_types)
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": resource_id,
            "resourcePath": resource,
            "httpMethod": request.method,
            "extendedRequestId": request_id[:16],
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{stage}{request.path}",
            "accountId": ACCOUNT,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": request.host.split(".")[0].split(":")[0],
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "cognitoIdentityId": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "accountId": None,
                "caller": None,
                "accessKey": None,
                "apiKey": None,
                "apiKeyId": None,
                "principalOrgId": None,
                "user": None,
                "userArn": None,
                "sourceIp": request.source_ip,
                "userAgent": next((v for n, v in request.headers if n.lower() == "user-agent"), None),
                **identity,
            },
            "domainName": request.host,
            "apiId": api_id,
            **({"authorizer": authorizer} if authorizer else {}),
        },
        "body": (base64.b64encode(request.body).decode() if binary else request.body.decode("utf-8", "replace")) if request.body else None,
        "isBase64Encoded": binary,
    }


class MalformedResponse(ValueError):
    pass


def http_response(answer: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body from a proxy integration's answer; MalformedResponse (API Gateway's 502)."""
    if not isinstance(answer, dict) or "statusCode" not in answer:
        raise MalformedResponse("Malformed Lambda proxy response")
    try:
        status = int(answer["statusCode"])
    except (TypeError, ValueError):
        raise MalformedResponse("statusCode is not a number") from None
    headers: list[tuple[str, str]] = [(k, str(v)) for k, v in (answer.get("headers") or {}).items()]
    single = {k.lower() for k, _ in headers}
    for name, values in (answer.get("multiValueHeaders") or {}).items():
        if name.lower() in single:  # a name in both: API Gateway keeps the multi-value list
            headers = [(k, v) for k, v in headers if k.lower() != name.lower()]
        headers.extend((name, str(value)) for value in values or [])
    body = answer.get("body")
    if body is None:
        data = b""
    elif not isinstance(body, str):
        raise MalformedResponse("body must be a string")
    elif answer.get("isBase64Encoded"):
        data = base64.b64decode(body)
    else:
        data = body.encode()
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return status, headers, data
