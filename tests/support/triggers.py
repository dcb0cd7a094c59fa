"""Real trigger events for handlers under test, built by the same code the local runtime uses."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from omni_local.eventbridge import build_event
from omni_local.proxy_event import HttpRequest, proxy_event

OPERATOR_ARN = "arn:aws:iam::000000000000:user/test-operator"


class Context:
    function_name = "test-function"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:test-function"
    aws_request_id = "test-request"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def api_event(
    method: str,
    path: str,
    body=None,
    *,
    channel_key: str | None = None,
    operator: bool = False,
    customer: str | None = None,
    query: dict | None = None,
    content_type: str = "application/json",
    headers: dict | None = None,
) -> dict:
    """A REST proxy event carrying what API Gateway's authorizers would have put in it."""
    identity = {}
    if channel_key:
        identity |= {"apiKey": f"value-of-{channel_key}", "apiKeyId": channel_key}
    if operator:
        identity |= {"userArn": OPERATOR_ARN, "caller": "AIDATEST", "accessKey": "AKIATEST"}
    authorizer = {"claims": {"sub": customer, "token_use": "id", "email": f"{customer}@example.com"}} if customer else None
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = HttpRequest(method=method, path=path, query=urlencode(query or {}, doseq=True), headers=[("Content-Type", content_type), *(headers or {}).items()], body=data, source_ip="127.0.0.1", host="localhost")
    return proxy_event(request, resource=path, resource_id="test", path_parameters={}, stage="test", api_id="test", identity=identity, authorizer=authorizer, binary_types=[])


def call(handler, *args, **kwargs) -> tuple[int, object]:
    response = handler(api_event(*args, **kwargs), Context())
    body = response.get("body")
    return response["statusCode"], json.loads(body) if body else None


def eventbridge_event(entry: dict, event_id: str = "test-event") -> dict:
    return build_event(entry, event_id)


def scheduled_event() -> dict:
    return build_event({"Source": "aws.events", "DetailType": "Scheduled Event", "Detail": "{}"}, "schedule")


def stream_event(records: list[dict], stream_arn: str) -> dict:
    """DynamoDB stream records as Lambda hands them over (ARN added, times in epoch seconds)."""
    shaped = []
    for record in records:
        record = json.loads(json.dumps(record, default=str))
        approx = record["dynamodb"].get("ApproximateCreationDateTime")
        if isinstance(approx, str):
            from datetime import datetime

            record["dynamodb"]["ApproximateCreationDateTime"] = int(datetime.fromisoformat(approx).timestamp())
        record["eventSourceARN"] = stream_arn
        shaped.append(record)
    return {"Records": shaped}
