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
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

_names = itertools.count()


_synthesis: dict = {}  # the background synthesis of this session, when a collected test needs cdk_out


# Folders that never wait for the synth run first, while it runs; the slowest (the local runtime) last.
_FOLDER_ORDER = {"unit": 0, "infra": 1, "contract": 2, "component": 3, "reliability": 4, "e2e": 6}


def pytest_collection_modifyitems(items):
    """A stable sort by top folder: each module stays in one piece (module fixtures are set up once)."""
    tests = Path(__file__).parent

    def folder(item) -> int:
        parts = Path(str(item.fspath)).relative_to(tests).parts
        return _FOLDER_ORDER.get(parts[0], 5) if len(parts) > 1 else 5

    items.sort(key=folder)


def pytest_collection_finish(session):
    """Start the CDK synth (a subprocess, 15-50 s) as soon as the tests are known, if any needs it: it runs on
    the second core while the first tests that do not need it run."""
    if os.environ.get("OMNI_CDK_OUT") or not any("cdk_out" in item.fixturenames for item in session.items):
        return
    import tempfile

    from stack_tables import start_synthesis

    outdir = Path(tempfile.mkdtemp(prefix="omni-cdk.out-"))
    _synthesis.update(outdir=outdir, process=start_synthesis(outdir))


def pytest_sessionfinish(session):
    process = _synthesis.get("process")
    if process and process.poll() is None:  # no test asked for it (-x, -k)
        process.kill()
        process.wait()
    if "outdir" in _synthesis:
        import shutil

        shutil.rmtree(_synthesis["outdir"], ignore_errors=True)


@pytest.fixture(scope="session")
def cdk_out(tmp_path_factory):
    """The CDK app synthesized once per test session, started at collection (OMNI_CDK_OUT reuses a folder)."""
    from stack_tables import finish_synthesis, synthesize

    if os.environ.get("OMNI_CDK_OUT"):
        return Path(os.environ["OMNI_CDK_OUT"])
    if "process" in _synthesis:
        return finish_synthesis(_synthesis["process"], _synthesis["outdir"])
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
