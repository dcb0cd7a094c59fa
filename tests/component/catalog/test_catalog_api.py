"""Catalog handlers through API Gateway events and their stream, under moto."""

from catalog.handlers import api, outbox
from support.triggers import call, stream_event

PRODUCT = {
    "product_id": "tee",
    "name": "Organic tee",
    "skus": [
        {"sku": "TEE-S", "attributes": {"size": "S"}, "prices": [{"channel": "web", "currency": "EUR", "amount": 1999}, {"channel": "pos", "currency": "EUR", "amount": 2199}]},
        {"sku": "TEE-M", "attributes": {"size": "M"}, "prices": [{"channel": "web", "currency": "EUR", "amount": 1999}]},
    ],
}


def test_an_operator_creates_a_product_and_a_channel_sees_its_own_prices(catalog):
    status, body = call(api.handler, "POST", "/v1/products", PRODUCT, operator=True)
    assert status == 201 and [sku["sku"] for sku in body["skus"]] == ["TEE-S", "TEE-M"]
    status, body = call(api.handler, "GET", "/v1/products/tee", channel_key="key-pos")
    assert status == 200
    assert body["skus"][0]["prices"] == [{"channel": "pos", "currency": "EUR", "amount": 2199}]
    assert body["skus"][1]["prices"] == []


def test_a_repeated_create_is_a_retry_but_a_different_one_conflicts_and_changes_nothing(catalog):
    assert call(api.handler, "POST", "/v1/products", PRODUCT, operator=True)[0] == 201
    assert call(api.handler, "POST", "/v1/products", PRODUCT, operator=True)[0] == 201
    before = catalog.items()
    other = {**PRODUCT, "product_id": "tee-2", "name": "Other"}  # reuses TEE-S and TEE-M
    status, body = call(api.handler, "POST", "/v1/products", other, operator=True)
    assert status == 409 and body["code"] == "conflict" and "SKU#TEE-S" in body["existing"]
    assert catalog.items() == before


def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(catalog):
    bad = {**PRODUCT, "skus": [{**PRODUCT["skus"][0], "prices": [{"channel": "web", "currency": "euro", "amount": 19.99}]}]}
    status, body = call(api.handler, "POST", "/v1/products", bad, operator=True)
    assert status == 422
    assert {error["field"] for error in body["errors"]} == {"skus.0.prices.0.currency", "skus.0.prices.0.amount"}
    status, body = call(api.handler, "POST", "/v1/products", b"{not json", operator=True)
    assert status == 422
    unknown_channel = {**PRODUCT, "skus": [{**PRODUCT["skus"][0], "prices": [{"channel": "tiktok", "currency": "EUR", "amount": 1}]}]}
    status, body = call(api.handler, "POST", "/v1/products", unknown_channel, operator=True)
    assert status == 404 and body["field"] == "skus.0.prices.0.channel"  # unknown like an unknown SKU
    assert catalog.items() == []


def test_operator_routes_refuse_channel_keys_and_anonymous_callers(catalog):
    assert call(api.handler, "POST", "/v1/products", PRODUCT, channel_key="key-web")[0] == 403
    assert call(api.handler, "POST", "/v1/products", PRODUCT)[0] == 403
    assert call(api.handler, "GET", "/v1/products/tee")[0] == 403
    assert call(api.handler, "GET", "/v1/products/tee", channel_key="key-unknown")[0] == 403
    assert catalog.items() == []


def test_prices_change_per_channel_and_unknown_skus_are_404(catalog):
    call(api.handler, "POST", "/v1/products", PRODUCT, operator=True)
    status, body = call(api.handler, "PUT", "/v1/skus/TEE-S/prices/web", {"currency": "EUR", "amount": 1799}, operator=True)
    assert status == 200 and {"channel": "web", "currency": "EUR", "amount": 1799} in body["prices"]
    assert call(api.handler, "PUT", "/v1/skus/NOPE/prices/web", {"currency": "EUR", "amount": 1}, operator=True)[0] == 404
    assert call(api.handler, "PUT", "/v1/skus/TEE-S/prices/tiktok", {"currency": "EUR", "amount": 1}, operator=True)[0] == 404
    assert call(api.handler, "GET", "/v1/products/nope", channel_key="key-web")[0] == 404


def test_the_outbox_turns_table_changes_into_catalog_events_on_the_bus(catalog):
    queue = catalog.capture_bus("omni.catalog")
    call(api.handler, "POST", "/v1/products", PRODUCT, operator=True)
    call(api.handler, "PUT", "/v1/skus/TEE-S/prices/web", {"currency": "EUR", "amount": 1799}, operator=True)
    result = outbox.handler(stream_event(catalog.stream_records(), catalog.stream_arn), Context())
    assert result == {"batchItemFailures": []}
    events = catalog.captured(queue)
    kinds = sorted(event["detail-type"] for event in events)
    assert kinds == ["PriceChanged"] * 4 + ["ProductChanged"]  # three first prices, then one change
    changes = [event["detail"]["data"] for event in events if event["detail-type"] == "PriceChanged" and event["detail"]["data"]["previous_amount"]]
    assert [(data["sku"], data["channel"], data["amount"], data["previous_amount"]) for data in changes] == [("TEE-S", "web", 1799, 1999)]


from support.triggers import Context  # noqa: E402
