"""The vertical slice over HTTP on the local runtime (DynamoDB Local, moto, the synthesized template):
catalog → inventory → stream → outbox → EventBridge → projection → availability."""

from __future__ import annotations

import time

import pytest

from support.waiting import eventually

PRODUCT = {"product_id": "e2e-tee", "name": "E2E tee", "skus": [{"sku": "E2E-TEE-S", "prices": [{"channel": "web", "currency": "EUR", "amount": 1999}]}]}
STORE = {"name": "E2E store", "kind": "store", "address": {"lines": ["1 Test Street"], "city": "Paris", "country": "FR"}, "capabilities": ["pickup"]}


@pytest.fixture(scope="module")
def slice_ready(runtime):
    """Product, location, channel assignment: done once, through the API, as an operator."""
    from omni_client import OmniClient

    client = OmniClient(runtime.state())
    assert client.operator("POST", "/v1/products", PRODUCT).status_code == 201
    assert client.operator("PUT", "/v1/locations/e2e-store", STORE).status_code == 200
    assert client.operator("PUT", "/v1/channels/web/locations/e2e-store").status_code == 200
    runtime.wait_idle(30)
    return client


def test_a_stock_adjustment_reaches_the_storefront_availability(runtime, slice_ready, channel_session):
    web = channel_session("web")
    adjustment = {"source_event_id": "e2e-asn-1", "sku": "E2E-TEE-S", "location_id": "e2e-store", "kind": "receipt", "quantity": 12}
    response = slice_ready.operator("POST", "/v1/adjustments", adjustment)
    assert response.status_code == 201, response.text
    runtime.wait_idle(30)
    availability = eventually(lambda: web.get("/v1/availability", params={"sku": "E2E-TEE-S", "per_location": "true"}).json()["items"][0]["available"] == 12)
    assert availability, web.get("/v1/availability", params={"sku": "E2E-TEE-S"}).text
    body = web.get("/v1/availability", params={"sku": "E2E-TEE-S", "per_location": "true"}).json()
    assert body == {"channel": "web", "items": [{"sku": "E2E-TEE-S", "available": 12, "locations": {"e2e-store": 12}}]}


def test_a_hold_lowers_availability_and_its_release_restores_it(runtime, slice_ready, channel_session):
    web = channel_session("web")
    slice_ready.operator("POST", "/v1/adjustments", {"source_event_id": "e2e-asn-2", "sku": "E2E-TEE-S", "location_id": "e2e-store", "kind": "receipt", "quantity": 1})
    runtime.wait_idle(30)
    before = web.get("/v1/availability", params={"sku": "E2E-TEE-S"}).json()["items"][0]["available"]
    cart = {"reference": "e2e-cart", "lines": [{"line": "1", "sku": "E2E-TEE-S", "location_id": "e2e-store", "quantity": 3}]}
    assert web.post("/v1/holds", json=cart).status_code == 201
    runtime.wait_idle(30)
    assert eventually(lambda: web.get("/v1/availability", params={"sku": "E2E-TEE-S"}).json()["items"][0]["available"] == before - 3)
    assert web.post("/v1/holds/e2e-cart/release", json={}).status_code == 200
    runtime.wait_idle(30)
    assert eventually(lambda: web.get("/v1/availability", params={"sku": "E2E-TEE-S"}).json()["items"][0]["available"] == before)


def _stock(client) -> list:
    return client.operator("GET", "/v1/stock/E2E-TEE-S").json()


def test_wrong_or_missing_credentials_are_refused_and_change_nothing(runtime, slice_ready, channel_session):
    before = _stock(slice_ready)
    adjustment = {"source_event_id": "e2e-evil", "sku": "E2E-TEE-S", "location_id": "e2e-store", "kind": "receipt", "quantity": 999}
    web = channel_session("web")
    assert web.post("/v1/adjustments", json=adjustment).status_code == 403  # a channel key is no operator credential
    assert slice_ready.http.post(slice_ready.api_url + "/v1/adjustments", json=adjustment).status_code == 403  # unsigned
    forged = slice_ready.http.post(
        slice_ready.api_url + "/v1/adjustments",
        json=adjustment,
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=LOCALOPERATORKEY/20261123/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=" + "0" * 64,
            "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
        },
    )
    assert forged.status_code == 403
    assert slice_ready.http.get(slice_ready.api_url + "/v1/availability", params={"sku": "E2E-TEE-S"}).status_code == 403  # no key
    assert slice_ready.http.get(slice_ready.api_url + "/v1/availability", params={"sku": "E2E-TEE-S"}, headers={"x-api-key": "not-a-key"}).status_code == 403
    runtime.wait_idle(30)
    assert _stock(slice_ready) == before


def test_bad_input_gets_problem_json_naming_the_field_and_changes_nothing(runtime, slice_ready):
    before = _stock(slice_ready)
    response = slice_ready.operator("POST", "/v1/adjustments", {"source_event_id": "e2e-bad", "sku": "E2E-TEE-S", "location_id": "e2e-store", "kind": "receipt", "quantity": -2})
    assert response.status_code == 422 and response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "quantity"
    response = slice_ready.operator("POST", "/v1/adjustments", {"source_event_id": "e2e-bad", "sku": "NO-SUCH-SKU", "location_id": "e2e-store", "kind": "receipt", "quantity": 2})
    assert response.status_code == 404 and response.json()["field"] == "sku"
    response = slice_ready.operator("POST", "/v1/adjustments", {"source_event_id": "e2e-bad", "sku": "E2E-TEE-S", "location_id": "nowhere", "kind": "receipt", "quantity": 2})
    assert response.status_code == 404 and response.json()["field"] == "location_id"
    runtime.wait_idle(30)
    assert _stock(slice_ready) == before


def test_a_shopper_token_is_checked_like_the_cognito_authorizer(runtime, channel_session, shopper_session):
    alice = shopper_session("app", sub="alice", email="alice@example.com")
    assert alice.post("/v1/me/sign-in", json={}).status_code == 200  # the account comes from the token
    assert {"type": "account", "value": "alice"} in alice.get("/v1/me").json()["identifiers"]
    anonymous = channel_session("app")
    assert anonymous.get("/v1/me").status_code == 401
    anonymous.headers["Authorization"] = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJldmUifQ."
    assert anonymous.get("/v1/me").status_code == 401


def test_bulk_stock_import_from_csv_is_idempotent(runtime, slice_ready, tmp_path):
    import omni_cli

    csv = tmp_path / "stock.csv"
    csv.write_text("sku,location_id,quantity\nE2E-TEE-S,e2e-store,5\nE2E-TEE-S,e2e-store,2\nNO-SUCH,e2e-store,1\n")
    before = sum(level["on_hand"] for level in _stock(slice_ready))
    assert omni_cli.import_stock(slice_ready, csv) == 1  # the unknown SKU row is reported
    assert omni_cli.import_stock(slice_ready, csv) == 1
    assert sum(level["on_hand"] for level in _stock(slice_ready)) == before + 7


def test_fixing_one_bad_row_and_importing_again_applies_only_that_row(runtime, slice_ready, tmp_path):
    import omni_cli

    csv = tmp_path / "receipts.csv"
    csv.write_text("sku,location_id,quantity\nE2E-TEE-S,e2e-store,5\nNO-SUCH,e2e-store,1\nE2E-TEE-S,e2e-store,2\n")
    before = sum(level["on_hand"] for level in _stock(slice_ready))
    assert omni_cli.import_stock(slice_ready, csv) == 1
    assert sum(level["on_hand"] for level in _stock(slice_ready)) == before + 7
    csv.write_text("sku,location_id,quantity\nE2E-TEE-S,e2e-store,5\nE2E-TEE-S,e2e-store,1\nE2E-TEE-S,e2e-store,2\n")  # row 3 fixed
    assert omni_cli.import_stock(slice_ready, csv) == 0
    assert omni_cli.import_stock(slice_ready, csv) == 0
    # Identity by row, not by file content: only the fixed row is new.
    assert sum(level["on_hand"] for level in _stock(slice_ready)) == before + 8
    ids = csv.with_name("ids.csv")
    ids.write_text("sku,location_id,quantity,kind,count_version,id\nE2E-TEE-S,e2e-store,4,receipt,,asn-77\n")
    assert omni_cli.import_stock(slice_ready, ids) == 0
    ids.write_text("sku,location_id,quantity,kind,count_version,id\nE2E-TEE-S,e2e-store,4,receipt,,asn-77\nE2E-TEE-S,e2e-store,3,receipt,,asn-78\n")
    assert omni_cli.import_stock(slice_ready, ids) == 0
    assert sum(level["on_hand"] for level in _stock(slice_ready)) == before + 15
