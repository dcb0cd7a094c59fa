import pytest

from support.moto_domain import moto_domain


@pytest.fixture
def catalog(cdk_out, fresh_table_name):
    with moto_domain(cdk_out, "catalog", fresh_table_name) as domain:
        yield domain


@pytest.fixture
def inventory(cdk_out, fresh_table_name):
    with moto_domain(cdk_out, "inventory", fresh_table_name) as domain:
        yield domain


@pytest.fixture
def orders(cdk_out, fresh_table_name):
    with moto_domain(cdk_out, "orders", fresh_table_name) as domain:
        yield domain
