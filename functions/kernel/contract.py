"""The API contract in code: what each route answers, documented from its shape, and the one
content-type rule of every route that takes a body (decision 29).

`DocumentedResolver` is Powertools' REST resolver whose routes document every answer; kernel.api
builds every domain's resolver from it. `unparsed_request` documents a request a route reads itself.
"""

from __future__ import annotations

import base64
import inspect
import re
import threading
import typing

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.params import Header, Query
from pydantic import BaseModel

from kernel.auth import CREDENTIAL_ERRORS
from kernel.errors import UnsupportedMediaType, problem_response
from kernel.lazy import load_names_of


def _parameters(func) -> list[tuple[inspect.Parameter, typing.Any]]:
    hints = typing.get_type_hints(func, include_extras=True)
    return [(parameter, hints.get(name)) for name, parameter in inspect.signature(func).parameters.items()]


def _takes_body(annotation) -> bool:
    base = typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation
    return inspect.isclass(base) and issubclass(base, BaseModel)


def _requires_query(parameter: inspect.Parameter, annotation) -> bool:
    metadata = typing.get_args(annotation)[1:] if typing.get_origin(annotation) is typing.Annotated else ()
    return parameter.default is inspect.Parameter.empty and any(isinstance(item, (Query, Header)) for item in metadata)


def documented_responses(func, status_code: int, summary: str | None, security, declared: dict | None, extensions: dict | None = None) -> dict[int, dict]:
    """Every answer of a route: its success (Powertools fills in the return type's schema), the refusals
    of its credential, those that follow from its inputs (a body → 415 and 422, a parameter → 422, a
    required query parameter or header → API Gateway's 400, any route → 429) and the ones its logic raises
    (`declared`, from kernel.errors.errors)."""
    responses: dict[int, dict] = {status_code: {"description": summary or "Success"}}
    for requirement in security or []:
        for scheme in requirement:
            for status, description in CREDENTIAL_ERRORS.get(scheme, {}).items():
                responses[status] = problem_response(status, description)
    parameters = _parameters(func)
    unparsed = (extensions or {}).get(UNPARSED, {})
    unparsed_body = "body" in unparsed
    if unparsed_body or any(_takes_body(annotation) for _, annotation in parameters):
        responses[415] = problem_response(415)
    if parameters or unparsed_body:
        responses[422] = problem_response(422)
    required_headers = any(header.get("required") for header in unparsed.get("parameters", []))
    if required_headers or any(_requires_query(parameter, annotation) for parameter, annotation in parameters):
        responses[400] = problem_response(400)
    responses[429] = problem_response(429)
    responses.update(declared or {})
    return dict(sorted(responses.items()))


class DocumentedResolver(APIGatewayRestResolver):
    """Powertools' REST resolver whose routes document all their answers (documented_responses): the
    `responses=` a route passes are only the errors its logic raises. Without this, passing any
    `responses` replaces Powertools' default 200 and the document loses every success schema.

    A route is prepared before it first runs (and every route before the document or a SnapStart snapshot is
    made): the names its function imports on first use are loaded (kernel.lazy), then its answers documented,
    which reads its annotations. So an init registers routes without importing their models (decision 70)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._undocumented: dict[typing.Callable, tuple] = {}  # route function -> what documented_responses needs
        self._preparing = threading.Lock()  # the local runtime and tests call one resolver from several threads

    def route(self, *args, **kwargs):
        call = _ROUTE_SIGNATURE.bind(self, *args, **kwargs)
        call.apply_defaults()
        given = call.arguments

        def register(func):
            self._undocumented[func] = (given["status_code"], given["summary"], given["security"], given["responses"], given["openapi_extensions"])
            given["responses"] = None  # documented when prepared
            return super(DocumentedResolver, self).route(*call.args[1:], **call.kwargs)(func)

        return register

    def prepare(self, route) -> None:
        """Load what the route's function imports on first use and document its answers, once."""
        if route.func not in self._undocumented:
            return
        with self._preparing:
            documenting = self._undocumented.get(route.func)
            if documenting is None:  # another thread prepared it meanwhile
                return
            load_names_of(route.func)
            responses = documented_responses(route.func, *documenting)
            for registered in self._routes():
                if registered.func is route.func:  # one per method it answers
                    registered.responses = responses
            del self._undocumented[route.func]  # last: until here, other threads wait on the lock

    def prepare_all(self) -> None:
        for route in self._routes():
            self.prepare(route)

    def _routes(self) -> list:
        return [*self._static_routes, *self._dynamic_routes]

    @staticmethod
    def _compile_regex(rule: str, base_regex: str = "^{}/*$"):
        """A path parameter is any text between two slashes: API Gateway routed the request here
        already, so a value Powertools' narrower character class would miss (`/v1/locations/%C2%84`)
        reaches validation and is a 422 naming the parameter, not a 404 for a route that exists. The end
        is `\\Z`: `$` also matches before a final newline, so `/v1/locations/%0A` answered another route."""
        end = base_regex.removesuffix("$") + r"\Z" if base_regex.endswith("$") else base_regex
        return re.compile(end.format(re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", rule)))

    def get_openapi_schema(self, *args, **kwargs):
        """Powertools gives every operation its own 422 (`HTTPValidationError`, a shape Omni never
        answers); routes that document a 422 replaced it with a Problem, the others answer none."""
        self.prepare_all()
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.components.schemas if schema.components and schema.components.schemas is not None else {}
        for item in schema.paths.values():
            for method in ("get", "put", "post", "delete", "patch"):
                operation = getattr(item, method)
                if operation is None:
                    continue
                if operation.responses:
                    operation.responses = {status: answer for status, answer in operation.responses.items() if _documented(answer)}
                setattr(item, method, _with_unparsed(operation, components))
        for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
            components.pop(unused, None)
        return schema


UNPARSED = "x-omni-unparsed"


def unparsed_request(body, headers: dict[str, dict], description: str) -> dict:
    """`openapi_extensions` for a route that reads its own request (a signed webhook must not be
    parsed before its signature is checked): the document shows the body and headers, the resolver
    neither parses nor validates them. `body` is a pydantic type or TypeAdapter; `headers` name → JSON
    schema. The body's schema is built only when the document is (never on a Lambda's cold start)."""
    parameters = [{"name": name, "in": "header", "required": True, "schema": header} for name, header in headers.items()]
    return {UNPARSED: {"parameters": parameters, "body": body, "description": description}}


def _with_unparsed(operation, components: dict):
    declared = (operation.model_extra or {}).get(UNPARSED)
    if not declared:
        return operation
    from aws_lambda_powertools.event_handler.openapi.models import Schema
    from pydantic import TypeAdapter

    fields = operation.model_dump(by_alias=True, exclude_none=True, exclude={UNPARSED})
    body = declared["body"]
    adapter = body if isinstance(body, TypeAdapter) else TypeAdapter(body)
    schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, Schema.model_validate(definition))
    fields["parameters"] = [*fields.get("parameters", []), *declared["parameters"]]
    content = {"application/json": {"schema": schema}}
    fields["requestBody"] = {"required": True, "description": declared["description"], "content": content}
    return type(operation).model_validate(fields)


def require_json(headers) -> None:
    """The one content-type rule of every route that takes a body: JSON in UTF-8 (`application/json`
    in any case, with no charset or charset=utf-8) or no Content-Type at all; anything else is 415.
    JSON is UTF-8 (RFC 8259): a body declared latin-1 or UTF-16 would be read wrong, not refused."""
    given = (headers.get("content-type") or headers.get("Content-Type") or "").strip()
    if not given:
        return
    media_type, *parameters = given.split(";")
    named = {name.strip().lower(): value.strip().strip('"').lower() for name, _, value in (parameter.partition("=") for parameter in parameters)}
    if media_type.strip().lower() != "application/json" or named.get("charset", "utf-8") != "utf-8":
        raise UnsupportedMediaType(f"the body must be application/json in UTF-8, not {given}", field="Content-Type")


def unparsed_body(event) -> bytes:
    """The body of a route that reads its own request (`unparsed_request`), as its sender signed it:
    the content-type rule first (415), then the raw bytes, decoded from nothing but API Gateway's base64."""
    require_json(event.headers)
    if event.body is None:
        return b""
    return base64.b64decode(event.body) if event.is_base64_encoded else event.body.encode()


def _documented(answer) -> bool:
    description = answer.get("description") if isinstance(answer, dict) else getattr(answer, "description", None)
    return description != "Validation Error"


_ROUTE_SIGNATURE = inspect.signature(APIGatewayRestResolver.route)


class JsonBodyValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, with one content-type rule for every route that takes a body:
    JSON (`application/json`, or no Content-Type) or 415. Powertools would parse forms and multipart
    into the model and answer other types, `APPLICATION/JSON` included, with an exception of its own (a 500)."""

    def handler(self, app, next_middleware):
        app.prepare(app.context["_route"])  # Powertools' validation reads the route's models: load them first
        return super().handler(app, next_middleware)

    def _get_body(self, app):
        require_json(app.current_event.headers)
        return self._parse_json_data(app)  # Powertools' own dispatch on the type is case-sensitive
