"""What tracing users keep without the X-Ray SDK: the trace id and cold start in every log line, a
ColdStart metric, and the correlation id (decision 17)."""

import io
import json

import pytest
from aws_lambda_powertools.logging import logger as powertools_logger
from aws_lambda_powertools.metrics.provider.cold_start import reset_cold_start_flag

from kernel.observability import logger, observed
from support.triggers import Context

TRACE_ID = "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1"


@observed()
def handler(event, context):
    logger.warning("handled")
    return "done"


@pytest.fixture(autouse=True)
def fresh_environment(monkeypatch):
    """As in a new execution environment: neither Logger nor Metrics has seen an invocation yet."""
    monkeypatch.setattr(powertools_logger, "is_cold_start", True)
    reset_cold_start_flag()


def _lines(capfd) -> list[dict]:
    out = capfd.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_log_lines_carry_the_trace_id_and_the_cold_start(monkeypatch):
    monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE_ID)
    stream = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", stream)  # the handler bound stdout at import
    handler({}, Context())
    handler({}, Context())
    logs = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["xray_trace_id"] for line in logs] == ["1-67891233-abcdef012345678912345678"] * 2
    assert [line["cold_start"] for line in logs] == [True, False]
    assert {line["service"] for line in logs} == {"omni-tests"}


def test_the_first_invocation_of_an_environment_counts_a_cold_start(capfd):
    handler({}, Context())
    first = [line for line in _lines(capfd) if "ColdStart" in line]
    handler({}, Context())
    second = [line for line in _lines(capfd) if "ColdStart" in line]
    assert len(first) == 1 and second == []
    assert first[0]["function_name"] == Context.function_name and first[0]["service"] == "omni-tests"
