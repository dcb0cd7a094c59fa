"""Logs, metrics and the handler decorator every function uses, configured from POWERTOOLS_* variables.

Tracing is Lambda's own active tracing (configured in CDK): it records every invocation and its
downstream calls' latency without any SDK in the function. The X-Ray SDK (through Powertools' Tracer)
costs about 150 ms of every cold start, even disabled, and is in maintenance mode since February 2026, so
it is loaded only where a stage opts in to its subsegments (cdk.json `xraySdk`, variable XRAY_SDK=true).
Every log line carries what a trace reader needs to join logs and traces without it: `xray_trace_id`
(Powertools reads `_X_AMZN_TRACE_ID`), `cold_start`, `service`, `function_request_id`, and the correlation id;
a `ColdStart` metric per function counts cold starts.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.logging.logger import Logger
from aws_lambda_powertools.metrics import Metrics

from kernel import startup

# Most requests publish no custom metric; Powertools would warn about it on every invocation.
warnings.filterwarnings("ignore", "No application metrics to publish")

logger = Logger()
metrics = Metrics()

Handler = Callable[[Any, Any], Any]


def xray_sdk_enabled() -> bool:
    return os.environ.get("XRAY_SDK", "").lower() == "true"


def _with_xray_sdk(handler: Handler) -> Handler:
    """Powertools' Tracer around the handler: X-Ray subsegments and ColdStart/Service annotations."""
    from aws_lambda_powertools.tracing import Tracer  # imports and patches the X-Ray SDK

    return Tracer().capture_lambda_handler(handler)


def observed(correlation_id_path: str | None = None) -> Callable[[Handler], Handler]:
    """Decorate a Lambda handler: Lambda context and correlation id in every log line, metrics flushed
    at the end of each invocation, and X-Ray SDK subsegments where the stage opted in."""

    def decorate(handler: Handler) -> Handler:
        # ColdStart (dimensions function_name, service): the cold-start signal the Tracer's annotation gave.
        inner = metrics.log_metrics(handler, capture_cold_start_metric=True)
        if xray_sdk_enabled():
            inner = _with_xray_sdk(inner)
        logged = logger.inject_lambda_context(inner, correlation_id_path=correlation_id_path)

        @functools.wraps(logged)
        def invoke(event, context):
            startup.end()  # the init is over: the collector runs again, over what invocations allocate
            return logged(event, context)

        return invoke

    return decorate


def __getattr__(name: str):
    if name == "tracer":  # the module-level Tracer of before decision 17
        raise ImportError("kernel.observability has no tracer: decorate handlers with @observed() (decision 17)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
