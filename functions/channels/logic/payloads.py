"""A signed delivery's content, validated only once its signature is verified: the body, and the
delivery id inventory will key on. Bad input is a 422 naming each field, as on every other route."""

from __future__ import annotations

import json

from pydantic import ValidationError

from channels.logic.signatures import ID_HEADER
from channels.models.webhooks import SOURCE_EVENT_ID, WEBHOOK, Webhook
from kernel.errors import Unprocessable
from kernel.strict_json import loads as strict_json

_TAGS = ("sale", "receipt", "count", "return")


def parse_body(body: bytes) -> Webhook:
    try:
        data = strict_json(body)
    except json.JSONDecodeError as error:
        raise Unprocessable(f"the body is not JSON: {error.msg}", errors=[{"in": "body", "field": "body", "type": "json_invalid", "message": error.msg}]) from None
    try:
        return WEBHOOK.validate_python(data)
    except ValidationError as error:
        fields = [_field_error(item) for item in error.errors()]
        names = ", ".join(sorted({field["field"] for field in fields}))
        raise Unprocessable(f"invalid fields: {names}", errors=fields) from None


def _field_error(item: dict) -> dict:
    location = list(item.get("loc", ()))
    if location and location[0] in _TAGS:
        location = location[1:]  # pydantic names the matched variant first; the sender knows only its body
    if item["type"].startswith("union_tag"):
        location = ["type"]
    return {"in": "body", "field": ".".join(str(part) for part in location) or "body", "type": item["type"], "message": item.get("msg", "invalid value")}


def check_webhook_id(channel_id: str, webhook_id: str, header: str = ID_HEADER) -> None:
    try:
        SOURCE_EVENT_ID.validate_python(webhook_id)
        SOURCE_EVENT_ID.validate_python(f"{channel_id}:{webhook_id}")
    except ValidationError:
        limit = 63 - len(channel_id)
        message = f"{header} must be letters, digits, . _ : - (starting with a letter or digit), at most {limit} characters"
        raise Unprocessable(message, errors=[{"in": "header", "field": header, "type": "invalid_webhook_id", "message": message}]) from None
