"""The REST resolver every domain API uses: validation, problem+json errors, observability."""

from __future__ import annotations

import json
from functools import partial

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.shared.json_encoder import Encoder

from kernel.auth import SECURITY_SCHEMES
from kernel.context import set_correlation_id
from kernel.contract import DocumentedResolver, JsonBodyValidation
from kernel.errors import DomainError, problem, problem_from
from kernel.observability import logger, observed
from kernel.snapstart import register as register_snapstart_hooks
from kernel.strict_json import loads as strict_json

# Answers in UTF-8 rather than \u escapes: a 4-byte character escaped is 12 bytes, and the largest valid
# product answered 7 MB that way, past Lambda's 6 MB response limit (API Gateway would have said 502).
SERIALIZER = partial(json.dumps, separators=(",", ":"), cls=Encoder, ensure_ascii=False)


def _field_errors(error: RequestValidationError) -> list[dict]:
    fields = []
    for item in error.errors():
        location, *path = item.get("loc", ()) or ("body",)
        if item.get("type") == "json_invalid":  # Powertools names the offset in the text, not a field
            path, item = [], {**item, "msg": (item.get("ctx") or {}).get("error") or item.get("msg")}
        fields.append(
            {
                "in": location,
                "field": ".".join(str(part) for part in path) or location,
                "type": item.get("type", "invalid"),
                "message": item.get("msg", "invalid value"),
            }
        )
    return fields


def create_app() -> APIGatewayRestResolver:
    app = DocumentedResolver(enable_validation=True, serializer=SERIALIZER, json_body_deserializer=strict_json)
    app._request_validation_middleware = JsonBodyValidation()  # Powertools runs it first, before any route middleware
    app.configure_openapi(title="Omni API", version="1.0.0", security_schemes=SECURITY_SCHEMES)

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError):
        return problem_from(error)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError):
        fields = _field_errors(error)
        names = ", ".join(sorted({field["field"] for field in fields}))
        return problem(422, "invalid_request", "Invalid request", f"invalid fields: {names}", errors=fields)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception):
        logger.exception("unhandled error")
        return problem(500, "internal_error", "Internal error", "something went wrong on our side; nothing was changed twice")

    @app.not_found
    def _not_found(_: NotFoundError):
        return problem(404, "route_not_found", "Not found", "no such route")

    return app


def lambda_handler(app: APIGatewayRestResolver):
    """Wrap a resolver into a Lambda handler with logging, metrics and the correlation id, and SnapStart hooks."""
    register_snapstart_hooks(app)

    @observed(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    def handler(event, context):
        set_correlation_id(logger.get_correlation_id())
        return app.resolve(event, context)

    return handler
