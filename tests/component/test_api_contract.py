"""The API's input rules, through API Gateway events under moto: every route that takes a body takes
JSON only (415 otherwise), values are never silently coerced, and every value is one DynamoDB can
store. Each refusal is a problem+json naming the field, and writes nothing."""

from __future__ import annotations

import json
import re

import pytest

import openapi as generator
from catalog.handlers import api as catalog_api
from inventory.handlers import api as inventory_api
from inventory.handlers import catalog_sync
from support.triggers import Context, api_event, call, eventbridge_event

HANDLERS = {"catalog": catalog_api.handler, "inventory": inventory_api.handler}
DOCUMENT = json.loads(generator.DOCUMENT.read_text())
BODY_ROUTES = [(method.upper(), path, operation) for path, item in DOCUMENT["paths"].items() for method, operation in item.items() if "requestBody" in operation and operation["tags"][0] in HANDLERS]
STORE = {"name": "Store", "kind": "store", "address": {"lines": ["1 Street"], "city": "Paris", "country": "FR"}}
LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024  # bytes, each way, of a synchronous invocation
PRODUCT = {"product_id": "tee", "name": "Tee", "skus": [{"sku": "TEE-S", "attributes": {"size": "S"}}]}


def _credential(operation: dict) -> dict:
    schemes = {scheme for requirement in operation["security"] for scheme in requirement}
    return {"operator": True} if "operatorIam" in schemes else {"channel_key": "key-web"}


def refused(domain, status: int, field: str | None, handler, *args, **kwargs) -> dict:
    before = domain.items()
    answer_status, answer = call(handler, *args, **kwargs)
    assert answer_status == status and answer["status"] == status, answer
    if field is not None:
        assert field in {answer.get("field"), *(error["field"] for error in answer.get("errors") or [])}, answer
    assert domain.items() == before, "a refused request writes nothing"
    return answer


def test_every_route_that_takes_a_body_is_listed():
    assert len(BODY_ROUTES) >= 12


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"],
)
def test_a_body_that_is_not_json_is_415_on_every_route_that_takes_one(inventory, content_type):
    for method, path, operation in BODY_ROUTES:
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        answer = refused(
            inventory,
            415,
            "Content-Type",
            HANDLERS[operation["tags"][0]],
            method,
            concrete,
            b'{"a": 1}',
            content_type=content_type,
            **_credential(operation),
        )
        assert answer["code"] == "unsupported_media_type", (method, path)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"open": 0}, "open"),
        ({"open": "true"}, "open"),
        ({"coordinates": {"lat": False, "lon": 2.35}}, "coordinates.lat"),
        ({"coordinates": {"lat": 1e-131, "lon": 2.35}}, "coordinates.lat"),
        ({"daily_capacity": 9.0}, "daily_capacity"),
        ({"daily_capacity": True}, "daily_capacity"),
        ({"address": {**STORE["address"], "lines": ["x" * 201]}}, "address.lines.0"),
    ],
)
def test_a_location_is_refused_rather_than_coerced_or_stored_wrong(inventory, change, field):
    refused(inventory, 422, field, inventory_api.handler, "PUT", "/v1/locations/paris", {**STORE, **change}, operator=True)


def test_an_expected_date_is_an_iso_string_not_an_epoch_number(inventory):
    for date in (0, 1767225600, "1767225600", "2026-13-01"):
        refused(
            inventory,
            422,
            "expected_date",
            inventory_api.handler,
            "PUT",
            "/v1/stock/TEE-S/locations/paris/incoming",
            {"quantity": 5, "expected_date": date},
            operator=True,
        )


def test_a_hold_is_soft_or_hard_as_the_schema_says(inventory):
    body = {
        "reference": "cart-1",
        "lines": [{"line": "1", "sku": "TEE-S", "location_id": "paris", "quantity": 1}],
        "hold": "committed",
    }
    refused(inventory, 422, "hold", inventory_api.handler, "POST", "/v1/holds", body, channel_key="key-web")


@pytest.mark.parametrize("attributes", [{"": "S"}, {" size": "S"}, {"size": "x" * 201}, {f"k{index}": "v" for index in range(31)}])
def test_product_attributes_have_named_keys_and_bounded_values(catalog, attributes):
    body = {**PRODUCT, "skus": [{"sku": "TEE-S", "attributes": attributes}]}
    refused(catalog, 422, None, catalog_api.handler, "POST", "/v1/products", body, operator=True)


def test_an_unknown_channel_is_404_like_an_unknown_sku(inventory):
    catalog_sync.handler(_product_changed("TEE-S"), Context())
    refused(
        inventory,
        404,
        "channel_id",
        inventory_api.handler,
        "PUT",
        "/v1/skus/TEE-S/buffers/tiktok",
        {"quantity": 1},
        operator=True,
    )
    refused(inventory, 404, "channel_id", inventory_api.handler, "PUT", "/v1/channels/tiktok/locations/paris", operator=True)


def test_shards_only_grow_and_shrinking_is_a_409_conflict(inventory):
    catalog_sync.handler(_product_changed("TEE-S"), Context())
    assert call(inventory_api.handler, "PUT", "/v1/skus/TEE-S/sharding", {"shards": 3}, operator=True)[0] == 200
    answer = refused(inventory, 409, "shards", inventory_api.handler, "PUT", "/v1/skus/TEE-S/sharding", {"shards": 2}, operator=True)
    assert answer["code"] == "shards_only_grow"


def test_a_path_parameter_with_any_character_is_a_422_naming_it_not_a_missing_route(inventory):
    refused(inventory, 422, "location_id", inventory_api.handler, "GET", "/v1/locations/\u0084", operator=True)


def _product_changed(sku: str) -> dict:
    detail = {
        "id": f"evt-{sku}",
        "type": "ProductChanged",
        "version": 1,
        "source": "omni.catalog",
        "time": "2026-11-23T10:00:00Z",
        "correlation_id": "c",
        "data": {"product_id": "tee", "name": "Tee", "skus": [sku], "seq": 1},
    }
    return eventbridge_event({"Source": "omni.catalog", "DetailType": "ProductChanged", "Detail": json.dumps(detail)})


SAFETY_STOCK = "/v1/stock/TEE-S/locations/paris/safety-stock"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,  # deeper than Python's recursion limit: was a 500
        '{"quantity": ' + "9" * 5000 + "}",  # more digits than Python converts to int: was a 500
        '{"quantity": NaN}',  # not JSON
        '{"quantity": -Infinity}',
        '{"quantity": 1, "quantity": 2}',  # ambiguous: another parser would read the other value
    ],
    ids=["deep nesting", "huge integer", "NaN", "Infinity", "duplicate name"],
)
def test_a_body_that_is_not_strict_json_is_a_422_naming_the_body(inventory, body):
    answer = refused(inventory, 422, "body", inventory_api.handler, "PUT", SAFETY_STOCK, body.encode(), operator=True)
    assert answer["errors"][0]["type"] == "json_invalid", answer


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "Application/Json; Charset=UTF-8", 'application/json; charset="utf-8"', "application/json ; charset=utf-8"])
def test_media_types_are_case_insensitive_and_json_is_utf_8(inventory, content_type):
    catalog_sync.handler(_product_changed("TEE-S"), Context())
    status, answer = call(inventory_api.handler, "PUT", SAFETY_STOCK, {"quantity": 1}, operator=True, content_type=content_type)
    assert status == 404 and answer["field"] == "location_id", answer  # past the content type, to the logic


@pytest.mark.parametrize("content_type", [";", "application/json; charset=latin-1", "application/json; charset=utf-16", "application", "/json"])
def test_a_malformed_content_type_or_a_charset_other_than_utf_8_is_415(inventory, content_type):
    refused(inventory, 415, "Content-Type", inventory_api.handler, "PUT", SAFETY_STOCK, {"quantity": 1}, operator=True, content_type=content_type)


def test_a_path_parameter_ending_in_a_newline_is_that_route_s_422_not_another_route(inventory):
    # Powertools' `$` matched before a trailing newline: /v1/locations/\n answered the list of locations.
    refused(inventory, 422, "location_id", inventory_api.handler, "GET", "/v1/locations/\n", operator=True)


@pytest.mark.parametrize("value", ["yes", "on", "1", "TRUE"])
def test_a_query_boolean_is_true_or_false_not_any_truthy_word(inventory, value):
    refused(inventory, 422, "per_location", inventory_api.handler, "GET", "/v1/availability", channel_key="key-web", query={"sku": "TEE-S", "per_location": value})


def test_the_largest_valid_product_answers_within_lambda_s_6_mb_response_limit(catalog):
    """Every string at its maximum, in 4-byte characters: escaped as \\ud83d\\ude00 the answer was 7 MB,
    past what Lambda returns (6 MB: API Gateway would answer 502 for a product that was written)."""
    emoji = "\U0001f600"
    skus = [{"sku": f"S{index}", "name": emoji * 200, "attributes": {f"k{key:02d}{'x' * 61}": emoji * 200 for key in range(30)}} for index in range(90)]
    body = {"product_id": "big", "name": emoji * 200, "description": emoji * 5000, "skus": skus}
    response = catalog_api.handler(api_event("POST", "/v1/products", json.dumps(body, ensure_ascii=False).encode(), operator=True), Context())
    assert response["statusCode"] == 201
    assert json.loads(response["body"]) == {**body, "skus": [{**sku, "prices": [], "product_id": "big"} for sku in skus]}
    assert len(json.dumps(response, ensure_ascii=False).encode()) < LAMBDA_PAYLOAD_LIMIT
