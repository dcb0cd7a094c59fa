import pytest

from profiles.handlers import api
from support.env import domain_environment
from support.triggers import call


@pytest.fixture(autouse=True)
def _channels():
    with domain_environment(table_name=""):  # profiles keep no table yet
        yield


def test_a_signed_in_shopper_sees_who_the_api_thinks_they_are():
    assert call(api.handler, "GET", "/v1/me", channel_key="key-app", customer="shopper-42") == (200, {"customer_id": "shopper-42", "channel": "app"})


def test_without_a_shopper_token_or_channel_key_it_refuses():
    assert call(api.handler, "GET", "/v1/me", channel_key="key-app")[0] == 401
    assert call(api.handler, "GET", "/v1/me", customer="shopper-42")[0] == 403
