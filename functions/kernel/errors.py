"""Domain errors and their RFC 9457 problem+json form. Logic raises these; the API layer renders them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

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


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InsufficientStock(Conflict):
    code, title = "insufficient_stock", "Insufficient stock"


class Unprocessable(DomainError):
    status, code, title = 422, "invalid_request", "Invalid request"


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "Unauthorized"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Forbidden"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> Response:
    # Imported here: the event handler package costs stream and event functions ~40 ms of cold start.
    from aws_lambda_powertools.event_handler.api_gateway import Response

    body = {"type": f"https://omni.dev/problems/{code}", "title": title, "status": status, "detail": detail, "code": code}
    body.update(extra)
    return Response(status_code=status, content_type=PROBLEM_JSON, body=json.dumps(body, default=str))


def problem_from(error: DomainError) -> Response:
    return problem(error.status, error.code, error.title, error.detail, **error.extra)


class FieldError(BaseModel):
    in_: str = Field(alias="in", description="body, query or path")
    field: str
    type: str
    message: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of the API is answered."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    errors: list[FieldError] | None = None


PROBLEM_RESPONSES = {
    status: {"description": description, "content": {"application/problem+json": {"model": Problem}}}
    for status, description in {
        401: "No or invalid shopper token",
        403: "The credential may not call this route",
        404: "An unknown resource (the problem names the field)",
        409: "Conflict with the current state (e.g. insufficient stock)",
        422: "Invalid request (each bad field is named)",
    }.items()
}
