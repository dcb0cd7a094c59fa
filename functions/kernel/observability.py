"""Powertools logger, tracer and metrics, configured once from POWERTOOLS_* variables."""

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

# Most requests publish no custom metric; Powertools would warn about it on every invocation.
warnings.filterwarnings("ignore", "No application metrics to publish")

logger = Logger()
tracer = Tracer()
metrics = Metrics()
