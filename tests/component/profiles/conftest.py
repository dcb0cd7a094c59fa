import pytest

from support.moto_domain import moto_domain
from support.profiles import identifier_key


@pytest.fixture
def profiles(cdk_out, fresh_table_name, monkeypatch):
    """The profiles table, the bus and the identifier key, under moto; stores read phones as French."""
    monkeypatch.setenv("PROFILES_RULES", '{"match": {"channel_regions": {"pos": "FR", "web": "FR"}}}')
    with moto_domain(cdk_out, "profiles", fresh_table_name) as domain, identifier_key(monkeypatch):
        yield domain
