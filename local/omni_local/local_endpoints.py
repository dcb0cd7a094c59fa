"""Local-only endpoints under /_local/ (and /docs), next to the API on the same port:

GET  /_local/health                      {"ok": true}
GET  /_local/state                       what the state file holds
POST /_local/tokens  {"sub", "email"}    {"token": an ID token for COGNITO_USER_POOLS methods, 1 h}
GET  /_local/jwks.json                   the local issuer's public key
POST /_local/invoke/<function>           invoke any function (logical id, prefix or name) with the JSON body
POST /_local/schedules/<rule>            fire a scheduled rule now
POST /_local/faults  {"eventbridge_down"} true: every PutEvents fails (an outage), false: back to normal
GET  /_local/openapi.json, GET /docs     the OpenAPI document and Swagger UI
"""

from __future__ import annotations

import json
from typing import Any

from omni_local import docs

Response = tuple[int, list[tuple[str, str]], bytes]


def _json(status: int, body: Any) -> Response:
    return status, [("Content-Type", "application/json")], json.dumps(body, default=str).encode()


def handle(runtime, method: str, path: str, body: bytes) -> Response | None:
    """The answer to a local endpoint, or None if `path` is not one (then it is an API path)."""
    if path == "/docs" and method == "GET":
        document = runtime.openapi()
        if document is None:
            return _json(404, {"message": "no docs/openapi.json in the repository"})
        return 200, [("Content-Type", "text/html; charset=utf-8")], docs.swagger_page(document).encode()
    if not path.startswith("/_local/"):
        return None
    route = path[len("/_local/") :]
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        return _json(400, {"message": "the body must be JSON"})
    if method == "GET" and route == "health":
        return _json(200, {"ok": True})
    if method == "GET" and route == "state":
        return _json(200, runtime.state())
    if method == "POST" and route == "tokens":
        claims = {k: v for k, v in payload.items() if k not in ("sub", "email", "ttl", "token_use")}
        token = runtime.mint_token(payload.get("sub"), payload.get("email"), ttl=int(payload.get("ttl", 3600)), token_use=payload.get("token_use", "id"), **claims)
        return _json(200, {"token": token})
    if method == "GET" and route == "jwks.json":
        return _json(200, runtime.issuer.jwks())
    if method == "POST" and route.startswith("invoke/"):
        try:
            invocation = runtime.invoke(route[len("invoke/") :], payload)
        except KeyError as error:
            return _json(404, {"message": str(error.args[0])})
        if invocation.ok:
            return _json(200, invocation.result)
        return _json(500, {**invocation.error, "requestId": invocation.request_id})
    if method == "POST" and route.startswith("schedules/"):
        try:
            rule = runtime.trigger_schedule(route[len("schedules/") :])
        except KeyError as error:
            return _json(404, {"message": str(error.args[0])})
        return _json(202, {"fired": rule})
    if method == "POST" and route == "faults":
        if "eventbridge_down" in payload:
            runtime.events.down = bool(payload["eventbridge_down"])
        return _json(200, {"eventbridge_down": runtime.events.down})
    if method == "GET" and route == "openapi.json":
        document = runtime.openapi()
        return _json(200, document) if document is not None else _json(404, {"message": "no docs/openapi.json"})
    if method == "GET" and route.startswith("swagger-ui/"):
        asset = docs.swagger_asset(route[len("swagger-ui/") :])
        if asset:
            return 200, [("Content-Type", asset[1]), ("Cache-Control", "max-age=3600")], asset[0]
    return _json(404, {"message": f"no local endpoint {method} {path}"})
