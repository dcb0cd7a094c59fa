"""The inbound formats' pure parts: Shopify's and the marketplace's signatures and times, amounts in
minor units, the per-line ids of a delivery, and mappings that park what they cannot name."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from channels.logic.formats import Mappings, Parked, line_event_id, marketplace, parse_time, shopify
from channels.logic.money import BadAmount, minor_units
from kernel.errors import Unauthorized


@pytest.mark.parametrize("amount, currency, units", [("199.00", "EUR", 19900), ("0.5", "USD", 50), ("1500", "JPY", 1500), ("1.234", "KWD", 1234), (None, "EUR", 0), ("", "EUR", 0)])
def test_amounts_become_minor_units_exactly(amount, currency, units):
    assert minor_units(amount, currency) == units


@pytest.mark.parametrize("amount, currency", [("1.999", "EUR"), ("1.5", "JPY"), ("-1.00", "EUR"), ("abc", "EUR"), ("NaN", "EUR"), ("Infinity", "EUR")])
def test_an_amount_with_more_digits_than_the_currency_has_is_refused_never_rounded(amount, currency):
    with pytest.raises(BadAmount):
        minor_units(amount, currency)


def test_shopify_times_with_offsets_and_nanoseconds_are_read():
    assert parse_time("2026-11-30T14:05:12-05:00") == datetime(2026, 11, 30, 19, 5, 12, tzinfo=UTC)
    assert parse_time("2026-12-01T10:00:00.123456789Z") == datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_time("2026-12-01T10:00:00")  # no offset: ambiguous


def test_shopify_verifies_the_base64_hmac_of_the_raw_body_and_the_trigger_age():
    body, now = b'{"id": 1}', int(time.time())
    headers = shopify.signed_headers("app-secret", "wh-1", "orders/create", body)
    delivery = shopify.verify("app-secret", headers, body, now)
    assert (delivery.webhook_id, delivery.topic) == ("wh-1", "orders/create")
    assert shopify.verify("app-secret", {k.lower(): v for k, v in headers.items()}, body, now).webhook_id == "wh-1"  # header names in any case
    for secret, signed_body in [("other-secret", body), ("app-secret", b'{"id": 2}')]:
        with pytest.raises(Unauthorized) as refused:
            shopify.verify(secret, headers, signed_body, now)
        assert refused.value.code == "invalid_signature"
    old = shopify.signed_headers("app-secret", "wh-2", "orders/create", body, datetime.now(UTC) - timedelta(seconds=shopify.MAX_AGE_SECONDS + 5))
    with pytest.raises(Unauthorized) as refused:
        shopify.verify("app-secret", old, body, now)
    assert refused.value.code == "stale_timestamp"
    garbled = {**headers, shopify.TRIGGERED_HEADER: "9" * 5000}
    with pytest.raises(Unauthorized):
        shopify.verify("app-secret", garbled, body, now)


def test_the_marketplace_signature_covers_time_id_and_body_and_accepts_a_rotation():
    body, now = b'{"event": "order.created"}', int(time.time())
    headers = marketplace.signed_headers("secret-1", "dlv-1", now, body)
    assert marketplace.verify("secret-1", headers, body, now).webhook_id == "dlv-1"
    rotated = {**headers, marketplace.SIGNATURE_HEADER: headers[marketplace.SIGNATURE_HEADER] + ",v1=" + marketplace.signature("secret-2", "dlv-1", now, body)}
    assert marketplace.verify("secret-2", rotated, body, now).webhook_id == "dlv-1"
    for changed in [
        {marketplace.ID_HEADER: "dlv-2"},
        {marketplace.SIGNATURE_HEADER: f"t={now + 1},v1=" + headers[marketplace.SIGNATURE_HEADER].split("v1=")[1]},
        {marketplace.SIGNATURE_HEADER: "v1=abc"},
    ]:
        with pytest.raises(Unauthorized):
            marketplace.verify("secret-1", {**headers, **changed}, body, now)
    with pytest.raises(Unauthorized) as refused:
        marketplace.verify("secret-1", headers, body, now + marketplace.TOLERANCE_SECONDS + 1)
    assert refused.value.code == "stale_timestamp"


def test_strict_mappings_park_unknown_names_and_lenient_ones_take_omnis():
    strict = Mappings(skus={"SHOP-1": "TEE-S"}, locations={"default": "wh"})
    assert (strict.sku("SHOP-1", "x"), strict.location(None, "y"), strict.location("", "y")) == ("TEE-S", "wh", "wh")
    with pytest.raises(Parked) as parked:
        strict.sku("SHOP-2", "line_items.1.sku")
    assert parked.value.field == "line_items.1.sku"
    with pytest.raises(Parked):
        strict.location("999", "location_id")
    lenient = Mappings(strict=False)
    assert (lenient.sku("TEE-S", "x"), lenient.location("paris", "y")) == ("TEE-S", "paris")


def test_line_ids_stay_short_enough_for_the_ledger_and_differ_per_delivery():
    assert line_event_id("pos-ret-1", 0) == "pos-ret-1.0"
    long_one, other = line_event_id("x" * 60, 3), line_event_id("x" * 59 + "y", 3)
    assert len(long_one) <= 30 and long_one != other and long_one.endswith(".3")
