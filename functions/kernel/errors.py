"""Domain errors and their RFC 9457 problem+json form. Logic raises these; the API layer renders them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import Field

from kernel.model import Model

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import Response

PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.code = code or type(self).code
        self.extra = extra

    @property
    def headers(self) -> dict[str, str]:
        return {}


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InsufficientStock(Conflict):
    code, title = "insufficient_stock", "Insufficient stock"


class IdempotencyKeyReused(Conflict):
    """A key (source event id, Idempotency-Key, hold line) sent again by its caller with other content."""

    code, title = "idempotency_key_reused", "Idempotency key reused"


class Unprocessable(DomainError):
    status, code, title = 422, "invalid_request", "Invalid request"


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "Unauthorized"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Forbidden"


class UnsupportedMediaType(DomainError):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


class TooManyRequests(DomainError):
    """A caller over one of Omni's own limits (not API Gateway's throttle): retry after `retry_after` seconds."""

    status, code, title = 429, "too_many_requests", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, **extra: Any):
        super().__init__(detail, **extra)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class PaymentRequired(DomainError):
    """The payment provider refused the shopper's money (a declined card): another attempt may succeed."""

    status, code, title = 402, "payment_declined", "Payment declined"


class BadGateway(DomainError):
    """An upstream provider answered with an error Omni cannot act on (its own 5xx, a refused credential)."""

    status, code, title = 502, "provider_error", "Provider error"

    def __init__(self, detail: str, *, retry_after: int | None = None, **extra: Any):
        super().__init__(detail, **extra)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


class ServiceUnavailable(BadGateway):
    """An upstream provider could not be reached in time or is throttling Omni: retry after a while."""

    status, code, title = 503, "provider_unavailable", "Provider unavailable"


def problem(status: int, code: str, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> Response:
    # Imported here: the event handler package costs stream and event functions ~40 ms of cold start.
    from aws_lambda_powertools.event_handler.api_gateway import Response

    body = {"type": f"https://omni.dev/problems/{code}", "title": title, "status": status, "detail": detail, "code": code}
    body.update(extra)
    return Response(status_code=status, content_type=PROBLEM_JSON, body=json.dumps(body, default=str), headers=headers or None)


def problem_from(error: DomainError) -> Response:
    return problem(error.status, error.code, error.title, error.detail, headers=error.headers, **error.extra)


class FieldError(Model):
    in_: str = Field(alias="in", description="body, query or path")
    field: str
    type: str
    message: str | None = None


class Problem(Model):
    """RFC 9457 problem details, as every error of the API is answered."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    errors: list[FieldError] | None = None


# What each error status means, as the OpenAPI document describes it. Routes list only the ones they
# can answer: kernel.contract adds those that follow from the route's shape, a route names the rest.
PROBLEM_DESCRIPTIONS = {
    400: "A required query parameter or header is missing (answered by API Gateway)",
    401: "No or invalid shopper token",
    403: "The credential may not call this route",
    404: "An unknown resource (the problem names the field)",
    409: "Conflict with the current state",
    415: "The body is not JSON in UTF-8 (Content-Type must be application/json, with no charset or charset=utf-8)",
    422: "Invalid request (each bad field is named)",
    429: "Too many requests (the stage's or the channel's throttle or quota)",
    402: "The payment provider declined the payment (code payment_declined, decline_code); nothing was taken",
    502: "The payment provider answered with an error (code provider_error); nothing was recorded",
    503: "The payment provider is unreachable, timed out or throttling (code provider_unavailable; Retry-After)",
}


def problem_response(status: int, description: str | None = None) -> dict:
    """One OpenAPI response whose body is a Problem."""
    return {"description": description or PROBLEM_DESCRIPTIONS[status], "content": {PROBLEM_JSON: {"model": Problem}}}


def errors(*statuses: int, described: dict[int, str] | None = None) -> dict[int, dict]:
    """The errors only this route's logic raises, for its `responses`: `errors(404, 409)`; `described`
    gives a status a route-specific description, e.g. `described={409: "The location has units held"}`."""
    described = described or {}
    return {status: problem_response(status, described.get(status)) for status in sorted({*statuses, *described})}
