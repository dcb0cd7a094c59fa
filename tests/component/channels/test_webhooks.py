"""POST /v1/webhooks/<channel_id> (Omni's own format) through API Gateway events, and the inbox's stream
through the normalizer and the outbox onto the bus, under moto (secrets in moto's Secrets Manager)."""

import json
import time

import pytest

from channels.handlers import api
from component.channels.conftest import refusals, settle
from support.triggers import Context
from support.webhooks import TEST_SECRETS as SECRETS
from support.webhooks import receipt, sale, signed, webhook_event

SALE = sale(("TEE-S", "paris", 2), ("MUG", "paris", 1))


def post(channel_id: str, raw: bytes, headers: dict) -> tuple[int, dict]:
    response = api.handler(webhook_event(channel_id, raw, headers), Context())
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


def send(channel_id: str, webhook_id: str, body, *, secret: str | None = None, at: int | None = None) -> tuple[int, dict]:
    return post(channel_id, *signed(secret or SECRETS[channel_id], webhook_id, body, at=at))


def publish(channels) -> list[dict]:
    """Run what the cloud runs next (normalizer, outbox); what reached the bus."""
    return settle(channels)


def stored(channels) -> list[dict]:
    """Everything but the audit rows of refusals."""
    return [item for item in channels.items() if not item["pk"]["S"].startswith("REFUSED#")]


def test_a_signed_sale_is_accepted_recorded_once_and_published_as_channel_sale_recorded(channels):
    status, body = send("pos", "pos-1", SALE)
    assert (status, body) == (202, {"id": "pos-1", "status": "accepted"})
    [item] = channels.items()
    assert (item["pk"]["S"], item["sk"]["S"], item["channel_kind"]["S"], item["state"]["S"]) == ("WEBHOOK#pos", "pos-1", "store", "received")
    assert json.loads(item["raw"]["S"]) == SALE  # stored raw, before anything else
    assert int(item["ttl"]["N"]) - int(time.time()) == pytest.approx(30 * 86_400, abs=60)
    [event] = publish(channels)
    assert (event["source"], event["detail-type"]) == ("omni.channels", "ChannelSaleRecorded")
    assert event["detail"]["data"] == {"channel": "pos", "channel_kind": "store", "webhook_id": "pos-1", "lines": SALE["data"]["lines"]}


def test_a_signed_receipt_is_published_as_stock_receipt_posted(channels):
    assert send("marketplace", "asn-7", receipt("TEE-S", "wh", 40))[0] == 202
    [event] = publish(channels)
    assert event["detail-type"] == "StockReceiptPosted"
    assert event["detail"]["data"] == {"channel": "marketplace", "webhook_id": "asn-7", "sku": "TEE-S", "location_id": "wh", "quantity": 40}


def test_a_replayed_delivery_is_409_and_neither_written_nor_published_twice(channels):
    assert send("pos", "pos-1", SALE)[0] == 202
    assert len(publish(channels)) == 1
    status, body = send("pos", "pos-1", SALE)
    assert (status, body["code"]) == (409, "duplicate_delivery")
    status, body = send("pos", "pos-1", sale(("TEE-S", "paris", 5)))  # same id, other content: still the same delivery
    assert (status, body["code"]) == (409, "duplicate_delivery")
    [item] = channels.items()
    assert json.loads(item["raw"]["S"]) == SALE and item["duplicates"]["N"] == "2"  # the first body kept; an audit line per repeat
    assert [line["M"]["state"]["S"] for line in item["history"]["L"]] == ["received", "processed", "duplicate", "duplicate"]
    assert publish(channels) == []


def test_the_same_id_from_another_channel_is_another_delivery(channels):
    assert send("pos", "shared-1", SALE)[0] == 202
    assert send("marketplace", "shared-1", SALE)[0] == 202
    assert len(channels.items()) == 2
    assert len(publish(channels)) == 2


def refused(channels, status: int, code: str, attempt, audited: bool = True) -> dict:
    """`attempt()` is answered with `status` and `code` as problem+json, nothing is stored but one audit
    row of the refusal (none for a 415, refused before the webhook's door), and nothing is published."""
    publish(channels)  # what was accepted before settles first
    before, audits = stored(channels), len(refusals(channels))
    answer_status, answer = attempt()
    assert (answer_status, answer["code"]) == (status, code), answer
    assert answer["status"] == status and answer["type"].endswith(code)
    assert stored(channels) == before, "nothing may be written on an error"
    new = refusals(channels)[audits:] if audited else []
    assert len(refusals(channels)) == audits + (1 if audited else 0)
    assert all(row["code"] == code and row["state"] == "refused" for row in new), new
    assert publish(channels) == []
    return answer


def test_a_bad_signature_is_401_and_writes_nothing(channels):
    raw, headers = signed(SECRETS["pos"], "pos-1", SALE)
    tampered = raw.replace(b'"quantity": 2', b'"quantity": 20')
    refused(channels, 401, "invalid_signature", lambda: post("pos", tampered, headers))
    refused(channels, 401, "invalid_signature", lambda: send("pos", "pos-2", SALE, secret=SECRETS["marketplace"]))
    refused(channels, 401, "invalid_signature", lambda: post("pos", raw, {k: v for k, v in headers.items() if k != "Omni-Webhook-Signature"}))
    refused(channels, 401, "invalid_signature", lambda: post("pos", raw, {}))
    assert publish(channels) == []


def test_a_stale_or_future_timestamp_is_401_and_writes_nothing(channels):
    now = int(time.time())
    answer = refused(channels, 401, "stale_timestamp", lambda: send("pos", "pos-old", SALE, at=now - 306))
    assert "old" in answer["detail"]
    answer = refused(channels, 401, "stale_timestamp", lambda: send("pos", "pos-future", SALE, at=now + 306))
    assert "future" in answer["detail"]


def test_an_unknown_channel_is_404_and_writes_nothing(channels):
    answer = refused(channels, 404, "not_found", lambda: send("tiktok", "t-1", SALE, secret="anything"))
    assert answer["field"] == "channel_id"


def test_an_invalid_body_is_422_naming_the_field_after_the_signature_and_writes_nothing(channels):
    answer = refused(channels, 422, "invalid_request", lambda: send("pos", "pos-bad", sale(("TEE-S", "paris", 0))))
    assert [error["field"] for error in answer["errors"]] == ["data.lines.0.quantity"]
    answer = refused(channels, 422, "invalid_request", lambda: send("pos", "pos-bad", b"{not json"))
    assert answer["errors"][0]["field"] == "body"
    answer = refused(channels, 422, "invalid_request", lambda: send("pos", "has space", SALE))
    assert (answer["errors"][0]["in"], answer["errors"][0]["field"]) == ("header", "Omni-Webhook-Id")
    # Unsigned, the same bad body is refused for its signature: the body is never looked at first.
    refused(channels, 401, "invalid_signature", lambda: send("pos", "pos-bad", b"{not json", secret="not-the-secret"))


def test_a_storefront_can_neither_report_a_sale_nor_post_a_receipt(channels):
    refused(channels, 403, "forbidden", lambda: send("web", "web-1", SALE))
    answer = refused(channels, 403, "forbidden", lambda: send("web", "web-2", receipt("TEE-S", "paris", 3)))
    assert "receipt" in answer["detail"]
    assert send("marketplace", "asn-1", receipt("TEE-S", "wh", 3))[0] == 202  # a marketplace's warehouse may


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415_even_when_signed_and_writes_nothing(channels, content_type):
    raw, headers = signed(SECRETS["pos"], "pos-415", SALE)
    refused(channels, 415, "unsupported_media_type", lambda: post_as("pos", raw, headers, content_type), audited=False)


def post_as(channel_id: str, raw: bytes, headers: dict, content_type: str) -> tuple[int, dict]:
    response = api.handler(webhook_event(channel_id, raw, headers, content_type), Context())
    return response["statusCode"], json.loads(response["body"])


def test_a_timestamp_that_is_not_unix_seconds_is_401_even_when_signed(channels):
    # A correctly signed 5,000-digit timestamp was a 500 (Python refuses to convert it to an int).
    for timestamp in ("9" * 5000, "9" * 13):
        refused(channels, 401, "invalid_signature", lambda timestamp=timestamp: send("pos", "pos-ts", SALE, at=timestamp))


@pytest.mark.parametrize(
    "raw",
    [b"[" * 100_000 + b"]" * 100_000, b'{"type": "receipt", "type": "sale", "data": {"lines": []}}', b'{"type": "receipt", "data": {"quantity": NaN}}'],
    ids=["deep nesting", "duplicate name", "NaN"],
)
def test_a_signed_body_that_is_not_strict_json_is_422_naming_the_body(channels, raw):
    answer = refused(channels, 422, "invalid_request", lambda: send("pos", "pos-strict", raw))
    assert (answer["errors"][0]["field"], answer["errors"][0]["type"]) == ("body", "json_invalid"), answer


def test_a_media_type_is_case_insensitive_and_a_malformed_one_is_415(channels):
    raw, headers = signed(SECRETS["pos"], "pos-upper", SALE)
    assert post_as("pos", raw, headers, "APPLICATION/JSON; CHARSET=UTF-8")[0] == 202
    raw, headers = signed(SECRETS["pos"], "pos-malformed", SALE)
    refused(channels, 415, "unsupported_media_type", lambda: post_as("pos", raw, headers, ";"), audited=False)
