import pytest

from support.moto_domain import moto_domain
from support.profiles import identifier_key


@pytest.fixture
def profiles(cdk_out, fresh_table_name, monkeypatch):
    """The profiles table, the bus and the identifier key, under moto."""
    with moto_domain(cdk_out, "profiles", fresh_table_name) as domain, identifier_key(monkeypatch):
        yield domain
