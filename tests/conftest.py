"""Every test runs against fake AWS credentials in one region: nothing can reach a real account."""

import os

os.environ.update(
    {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Omni",
        "POWERTOOLS_SERVICE_NAME": "omni-tests",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
)

import itertools  # noqa: E402

import pytest  # noqa: E402

_names = itertools.count()


@pytest.fixture(scope="session")
def cdk_out(tmp_path_factory):
    """The CDK app synthesized once per test session (OMNI_CDK_OUT reuses a synthesized folder)."""
    from stack_tables import synthesize

    if os.environ.get("OMNI_CDK_OUT"):
        from pathlib import Path

        return Path(os.environ["OMNI_CDK_OUT"])
    return synthesize(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def dynamodb_local():
    """One DynamoDB Local (AWS's engine: real conditions, transactions, streams) per session."""
    from omni_local.services import start_dynamodb_local

    with start_dynamodb_local() as server:
        yield server


@pytest.fixture
def fresh_table_name():
    return f"table-{next(_names)}"
