"""A verified delivery's body and id: valid shapes pass, each bad field is named as the sender wrote it."""

import pytest

from channels.logic.payloads import check_webhook_id, parse_body
from channels.models.webhooks import ReceiptWebhook, SaleWebhook
from kernel.errors import Unprocessable


def fields(body: bytes) -> list[str]:
    with pytest.raises(Unprocessable) as error:
        parse_body(body)
    return sorted(item["field"] for item in error.value.extra["errors"])


def test_a_sale_and_a_receipt_parse_into_their_models():
    sale = parse_body(b'{"type": "sale", "data": {"lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 2}]}}')
    assert isinstance(sale, SaleWebhook) and sale.data.lines[0].quantity == 2
    receipt = parse_body(b'{"type": "receipt", "data": {"sku": "TEE-S", "location_id": "wh", "quantity": 40}}')
    assert isinstance(receipt, ReceiptWebhook) and receipt.data.location_id == "wh"


def test_bad_fields_are_named_by_their_path_in_the_body():
    assert fields(b'{"type": "sale", "data": {"lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 0}]}}') == ["data.lines.0.quantity"]
    assert fields(b'{"type": "receipt", "data": {"sku": "bad sku", "location_id": "wh"}}') == ["data.quantity", "data.sku"]
    assert fields(b'{"type": "sale", "data": {"lines": []}}') == ["data.lines"]
    assert fields(b'{"type": "sale", "data": {"lines": [{"sku": "A", "location_id": "p", "quantity": 1}]}, "extra": 1}') == ["extra"]


def test_an_unknown_or_missing_type_names_the_type():
    assert fields(b'{"type": "refund", "data": {}}') == ["type"]
    assert fields(b'{"data": {}}') == ["type"]


def test_a_body_that_is_no_json_object_names_the_body():
    assert fields(b"{not json") == ["body"]
    assert fields(b"[1, 2]") == ["body"]
    assert fields(b"") == ["body"]


@pytest.mark.parametrize("webhook_id", ["pos-1", "01J9Z3V5K8W2X", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "6f0d8c1e-2b54-4c0a-9a57-0d6e0e4c1a11"])
def test_usual_delivery_ids_are_accepted(webhook_id):
    check_webhook_id("marketplace", webhook_id)


@pytest.mark.parametrize("webhook_id", ["-starts-with-dash", "has space", "slash/y", "x" * 60])
def test_ids_inventory_could_not_key_on_are_refused_naming_the_header(webhook_id):
    with pytest.raises(Unprocessable) as error:
        check_webhook_id("marketplace", webhook_id)
    assert error.value.extra["errors"][0]["field"] == "Omni-Webhook-Id"
