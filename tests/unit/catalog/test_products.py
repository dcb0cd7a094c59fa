import pytest

from catalog.logic.events import events_from_change
from catalog.logic.products import for_channel, is_same_product, new_product
from catalog.models.product import ProductIn
from kernel.errors import NotFound, Unprocessable
from kernel.outbox import Change

BODY = {
    "product_id": "tee",
    "name": "Tee",
    "skus": [{"sku": "TEE-S", "prices": [{"channel": "web", "currency": "EUR", "amount": 1999}, {"channel": "pos", "currency": "EUR", "amount": 2199}]}],
}


def test_a_channel_sees_only_its_prices():
    product = new_product(ProductIn(**BODY), {"web", "pos"})
    assert [p.channel for p in for_channel(product, "web").skus[0].prices] == ["web"]


def test_unknown_channel_and_repeated_sku_are_refused_naming_the_field():
    with pytest.raises(NotFound) as error:
        new_product(ProductIn(**BODY), {"web"})
    assert error.value.extra["errors"][0]["field"] == "skus.0.prices.1.channel"
    twice = {**BODY, "skus": BODY["skus"] * 2}
    with pytest.raises(Unprocessable):
        new_product(ProductIn(**twice), {"web", "pos"})


def test_a_repeated_create_is_the_same_product():
    product = new_product(ProductIn(**BODY), {"web", "pos"})
    assert is_same_product(product, new_product(ProductIn(**BODY), {"web", "pos"}))
    assert not is_same_product(product, new_product(ProductIn(**{**BODY, "name": "Other"}), {"web", "pos"}))


def test_price_changes_are_published_per_channel_and_currency():
    old = {"type": "sku", "sku": "TEE-S", "product_id": "tee", "prices": {"web:EUR": 1999}, "seq": 1}
    new = {**old, "prices": {"web:EUR": 1799, "web:USD": 2099}, "seq": 2}
    events = list(events_from_change(Change("MODIFY", old, new)))
    assert [(e.currency, e.amount, e.previous_amount) for e in events] == [("EUR", 1799, 1999), ("USD", 2099, None)]
