"""The local API Gateway: every method of the template's REST APIs on one HTTP port.

Paths are served as the API defines them (`/v1/...`), and also behind the stage name
(`/<stage>/v1/...`) like an execute-api URL. Authorization is enforced before the function runs, so a
refused call writes nothing, with API Gateway's status codes and messages:

- unknown path, or no method for it: 403 Missing Authentication Token;
- AWS_IAM: a SigV4 signature of the local operator (sigv4.py), else 403;
- COGNITO_USER_POOLS: a token of the local issuer for the method's pool (cognito.py), else 401;
- ApiKeyRequired: an x-api-key in a usage plan of this API stage (apikeys.py), else 403 Forbidden.

AWS_PROXY integrations get a REST proxy event (proxy_event.py); MOCK integrations (CORS preflight)
answer from their integration response. A function error or malformed answer is a 502.
"""

from __future__ import annotations

import json
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, unquote

from omni_local import local_endpoints
from omni_local.apikeys import KeyRing
from omni_local.cognito import LocalIssuer, TokenError, claims_as_strings
from omni_local.loops import LoopbackServer
from omni_local.proxy_event import HttpRequest, MalformedResponse, http_response, proxy_event
from omni_local.routes import Api, Method, Router
from omni_local.sigv4 import SignatureError, verify
from omni_local.trace import short

Response = tuple[int, list[tuple[str, str]], bytes]


class Refused(Exception):
    """API Gateway answering on its own: status, message and the gateway response type."""

    def __init__(self, status: int, message: str, response_type: str, error_type: str = ""):
        super().__init__(message)
        self.status, self.message, self.response_type = status, message, response_type
        self.error_type = error_type


class Gateway(LoopbackServer):
    def __init__(self, router: Router, keys: KeyRing, issuer: LocalIssuer, functions, console, activity, runtime, port: int = 0):
        self.router, self.keys, self.issuer = router, keys, issuer
        self.functions, self.console, self.activity, self.runtime = functions, console, activity, runtime
        super().__init__(self._handler_class(), port, "api-gateway")

    # ---- one request ----------------------------------------------------------------------------

    def handle(self, request: HttpRequest, raw_target: str) -> Response:
        local = local_endpoints.handle(self.runtime, request.method, request.path, request.body)
        if local is not None:
            return local
        started = time.monotonic()
        found = self._match(request)
        api = found[0] if found else None
        try:
            if found is None:
                raise Refused(403, "Missing Authentication Token", "MISSING_AUTHENTICATION_TOKEN", "MissingAuthenticationTokenException")
            api, method, params = found
            identity, authorizer = self._authorize(api, method, request, raw_target)
            _check_parameters(method, request)
            response = self._integrate(api, method, params, request, identity, authorizer)
            target = method.function or method.integration.get("Type", "?")
            self.console.http(request.method, request.path, target, response[0], (time.monotonic() - started) * 1000)
            return response
        except Refused as refused:
            self.console.http(request.method, request.path, "refused", refused.status, (time.monotonic() - started) * 1000, refused.message[:60])
            return self._gateway_response(api, refused)

    def _match(self, request: HttpRequest):
        found = self.router.match(request.method, request.path)
        if found is None:  # an execute-api style URL: /<stage>/v1/...
            for api in self.router.apis:
                prefix = f"/{api.stage}/"
                if request.path.startswith(prefix):
                    found = self.router.match(request.method, request.path[len(prefix) - 1 :])
                    if found:
                        request.path = request.path[len(prefix) - 1 :]
                        break
        return found

    def _authorize(self, api: Api, method: Method, request: HttpRequest, raw_target: str):
        headers = {name.lower(): value for name, value in request.headers}
        identity: dict = {}
        authorizer = None
        if method.auth_type == "AWS_IAM":
            try:
                operator = verify(request.method, f"http://{request.host}{raw_target}", dict(request.headers), request.body)
            except SignatureError as error:
                kind = "MISSING_AUTHENTICATION_TOKEN" if error.error_type.startswith("Missing") else "INVALID_SIGNATURE"
                raise Refused(403, error.message, kind, error.error_type) from None
            identity = {"caller": operator.user_id, "user": operator.user_id, "userArn": operator.user_arn, "accessKey": operator.access_key, "accountId": operator.user_arn.split(":")[4]}
        elif method.auth_type == "COGNITO_USER_POOLS":
            token = headers.get("authorization", "")
            pools = method.authorizer.pool_ids if method.authorizer else []
            try:
                if not token:
                    raise TokenError("no token")
                claims = self.issuer.verify(token, pools, method.scopes)
            except TokenError:
                raise Refused(401, "Unauthorized", "UNAUTHORIZED", "UnauthorizedException") from None
            authorizer = {"claims": claims_as_strings(claims)}
            if method.scopes:
                authorizer["scopes"] = str(claims.get("scope", "")).split()
        elif method.auth_type not in ("NONE", ""):
            raise Refused(500, f"local runtime: {method.auth_type} authorizers are not supported", "DEFAULT_5XX")
        if method.api_key_required:
            value = headers.get("x-api-key")
            key = self.keys.allowed(value, api.id, api.stage)
            if key is None:
                raise Refused(403, "Forbidden", "INVALID_API_KEY", "ForbiddenException")
            identity.update({"apiKey": key.value, "apiKeyId": key.id})
        return identity, authorizer

    def _integrate(self, api: Api, method: Method, params, request: HttpRequest, identity, authorizer) -> Response:
        kind = method.integration.get("Type")
        if kind == "MOCK":
            return _mock(method)
        if kind != "AWS_PROXY" or not method.function:
            raise Refused(500, f"local runtime: {kind} integrations are not supported", "DEFAULT_5XX")
        event = proxy_event(
            request,
            resource=method.path,
            resource_id=method.resource_id,
            path_parameters=params,
            stage=api.stage,
            api_id=api.id,
            identity=identity,
            authorizer=authorizer,
            binary_types=api.binary_media_types,
        )
        with self.activity.busy(f"HTTP {request.method} {request.path} → {short(method.function)}"):
            invocation = self.functions.invoke(method.function, event)
        if not invocation.ok:
            self.console.line(f"  {method.function} failed: {invocation.describe_error()}")
            raise Refused(502, "Internal server error", "DEFAULT_5XX")
        try:
            status, headers, body = http_response(invocation.result)
        except MalformedResponse as error:
            self.console.line(f"  {method.function}: {error}")
            raise Refused(502, "Internal server error", "DEFAULT_5XX") from None
        return status, headers + [("x-amzn-RequestId", event["requestContext"]["requestId"])], body

    def _gateway_response(self, api: Api | None, refused: Refused) -> Response:
        """API Gateway's own answer, shaped by the template's GatewayResponse for this type (or its
        DEFAULT_4XX/5XX): status code, headers and body template."""
        configured = api.gateway_responses if api else _any_responses(self.router)
        family = "DEFAULT_4XX" if refused.status < 500 else "DEFAULT_5XX"
        custom = configured.get(refused.response_type) or configured.get(family) or {}
        status = int(custom.get("status") or refused.status)
        request_id = str(uuid.uuid4())
        headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id}
        if refused.error_type:
            headers["x-amzn-ErrorType"] = refused.error_type
        headers.update(custom.get("headers") or {})
        template = (custom.get("templates") or {}).get("application/json")
        body = _render(template, refused, request_id) if template else json.dumps({"message": refused.message})
        return status, list(headers.items()), body.encode()

    # ---- HTTP plumbing --------------------------------------------------------------------------

    def _handler_class(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                body = _read_body(self.headers, self.rfile)
                raw_path, _, query = self.path.partition("?")
                request = HttpRequest(
                    method=self.command,
                    path=unquote(raw_path),
                    query=query,
                    headers=list(self.headers.items()),
                    body=body,
                    source_ip=self.client_address[0],
                    host=self.headers.get("Host", "127.0.0.1"),
                )
                try:
                    status, headers, data = gateway.handle(request, self.path)
                except Exception as error:  # the runtime's own bug: say so rather than hang up
                    gateway.console.line(f"HTTP {self.command} {raw_path} → runtime error {error!r}")
                    status, headers, data = 500, [("Content-Type", "application/json")], json.dumps({"message": repr(error)}).encode()
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve  # noqa: N815

            def __getattr__(self, name: str):
                """Any other method (QUERY, TRACE, made-up ones) goes to the gateway too, which answers it
                as API Gateway does (403 problem, no such method) instead of http.server's HTML 501."""
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

            def log_message(self, *args) -> None:  # the trace says what matters
                pass

        return Handler


def _read_body(headers, stream) -> bytes:
    """The whole body, by Content-Length or chunked: an unread body would corrupt a kept-alive connection."""
    if headers.get("Transfer-Encoding", "").lower() != "chunked":
        length = int(headers.get("Content-Length") or 0)
        return stream.read(length) if length else b""
    body = b""
    while True:
        size = int(stream.readline().split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while stream.readline() not in (b"\r\n", b"\n", b""):  # trailers, then the blank line
                pass
            return body
        body += stream.read(size)
        stream.readline()


def _check_parameters(method: Method, request: HttpRequest) -> None:
    """The method's validator: required query strings and headers must be present."""
    if not method.required:
        return
    query = {name for name, _ in parse_qsl(request.query, keep_blank_values=True)}
    headers = {name.lower() for name, _ in request.headers}
    missing = [name for where, name in method.required if (where == "querystring" and name not in query) or (where == "header" and name.lower() not in headers)]
    if missing:
        raise Refused(400, f"Missing required request parameters: [{', '.join(missing)}]", "BAD_REQUEST_PARAMETERS", "BadRequestException")


def _render(template: str, refused: Refused, request_id: str) -> str:
    """The few $context variables gateway response templates use (no VTL directives)."""
    values = {
        "$context.error.messageString": json.dumps(refused.message),
        "$context.error.message": refused.message,
        "$context.error.responseType": refused.response_type,
        "$context.error.validationErrorString": refused.message,
        "$context.requestId": request_id,
        "$context.extendedRequestId": request_id,
    }
    for name in sorted(values, key=len, reverse=True):  # messageString before message
        template = template.replace(name, values[name])
    return template


def _mock(method: Method) -> Response:
    responses = method.integration.get("IntegrationResponses") or [{}]
    first = responses[0]
    headers = [(name.split("method.response.header.", 1)[1], str(value).strip("'")) for name, value in (first.get("ResponseParameters") or {}).items() if name.startswith("method.response.header.")]
    return int(first.get("StatusCode") or 200), headers, b""


def _any_responses(router: Router) -> dict:
    """Gateway responses for a path no API claims: those of the only API, if there is one."""
    return router.apis[0].gateway_responses if len(router.apis) == 1 else {}
