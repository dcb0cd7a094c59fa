"""Asynchronous delivery to rule targets, the way EventBridge and Lambda's async invoke do it.

Deliveries run on a small thread pool, so PutEvents returns before any consumer runs. A Lambda target
that fails is retried as Lambda retries an asynchronous invocation, on a local time scale: the function's
EventInvokeConfig MaximumRetryAttempts (else `retries`, else Lambda's 2), after Lambda's backoff of one
minute, then two (locally `retry_delay`, then twice that: the scale is `retry_delay` / 60 s), while the
event is younger than its MaximumEventAgeInSeconds (else Lambda's 6 hours) on the same scale. Then the
payload goes to the first dead letter the template gives: the function's on-failure destination, the
function's DeadLetterConfig, or the rule target's DeadLetterConfig. Nothing configured: the loss is
printed loudly. While a delivery runs or waits for its retry, `wait_idle` counts it as busy and names it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from omni_local.physical import service_of_arn
from omni_local.rules import AsyncConfig
from omni_local.trace import short

LAMBDA_RETRIES = 2  # an asynchronous invocation's retries when the function has no EventInvokeConfig
LAMBDA_FIRST_BACKOFF = 60.0  # seconds Lambda waits before the first retry (the second waits twice that)
LAMBDA_MAX_EVENT_AGE = 6 * 3600.0  # how long Lambda keeps retrying an event, by default


@dataclass
class Delivery:
    target_arn: str
    payload: Any
    report: Callable[[str, str], None]  # (target label, outcome) -> one trace line
    dead_letter_arn: str | None = None  # the rule target's own DLQ
    attributes: dict[str, str] = field(default_factory=dict)  # extra DLQ message attributes (RULE_ARN...)
    token: int | None = None  # its entry in the runtime's activity, while it runs

    def describe(self) -> str:
        """`event omni.orders/OrderPlaced → ProfilesOrderEvents`: what wait_idle names while it runs."""
        payload = self.payload if isinstance(self.payload, dict) else {}
        what = f"event {payload['source']}/{payload['detail-type']}" if "detail-type" in payload and "source" in payload else "delivery"
        return f"{what} → {short(self.target_arn.rsplit(':', 1)[-1].rsplit('/', 1)[-1])}"


class AsyncDelivery:
    def __init__(
        self,
        functions,
        destinations,
        console,
        activity,
        async_configs: dict[str, AsyncConfig],
        route_to_bus: Callable[[dict, str], None],
        retries: int | None = None,
        retry_delay: float = 0.2,
        threads: int = 4,
    ):
        self.functions, self.destinations, self.console, self.activity = functions, destinations, console, activity
        self.async_configs = async_configs
        self.route_to_bus = route_to_bus
        self.retries, self.retry_delay = retries, retry_delay
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="delivery")

    def submit(self, delivery: Delivery) -> None:
        delivery.token = self.activity.begin(delivery.describe())
        try:
            self._pool.submit(self._run, delivery)
        except RuntimeError:  # shutting down
            self.activity.end(delivery.token)

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, delivery: Delivery) -> None:
        try:
            service = service_of_arn(delivery.target_arn)
            if service == "lambda":
                self._to_function(delivery)
            elif service == "events":
                self.route_to_bus(delivery.payload, delivery.target_arn)
                delivery.report(f"bus {delivery.target_arn.rsplit('/', 1)[-1]}", "ok")
            else:
                self._to_destination(delivery)
        except Exception as error:  # a delivery must never kill the pool
            delivery.report(delivery.target_arn, f"failed: {error!r}")
        finally:
            self.activity.end(delivery.token)

    def _to_function(self, delivery: Delivery) -> None:
        spec = self.functions.find(delivery.target_arn)
        config = self.async_configs.get(spec.name, AsyncConfig())
        retries = self.retries if self.retries is not None else (config.retries if config.retries is not None else LAMBDA_RETRIES)
        max_age = (config.max_age if config.max_age is not None else LAMBDA_MAX_EVENT_AGE) * self.retry_delay / LAMBDA_FIRST_BACKOFF
        received = time.monotonic()
        attempts, condition = 0, "RetriesExhausted"
        while True:
            attempts += 1
            invocation = self.functions.invoke(spec.name, delivery.payload)
            if invocation.ok:
                delivery.report(spec.name, f"ok ({invocation.duration_ms:.0f} ms)" + (f" after {attempts} attempts" if attempts > 1 else ""))
                return
            delivery.report(spec.name, f"failed (attempt {attempts}/{retries + 1}): {invocation.describe_error()}")
            backoff = self.retry_delay * 2 ** (attempts - 1)
            if attempts > retries:
                break
            if time.monotonic() - received + backoff > max_age:
                delivery.report(spec.name, f"not retried: older than its maximum event age ({max_age:.1f} s here)")
                condition = "EventAgeExceeded"
                break
            self.activity.note(delivery.token, f"{delivery.describe()}: attempt {attempts + 1} in {backoff:.2f} s, after {invocation.describe_error()}")
            time.sleep(backoff)
        self._dead_letter(delivery, spec, invocation, attempts, config, condition)

    def _dead_letter(self, delivery: Delivery, spec, invocation, attempts: int, config: AsyncConfig, condition: str) -> None:
        error = invocation.error or {}
        if config.on_failure:  # Lambda's on-failure destination: an invocation record
            record = {
                "version": "1.0",
                "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "requestContext": {"requestId": invocation.request_id, "functionArn": f"{spec.arn}:$LATEST", "condition": condition, "approximateInvokeCount": attempts},
                "requestPayload": delivery.payload,
                "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
                "responsePayload": error,
            }
            return self._send(config.on_failure, json.dumps(record), {}, "on-failure destination")
        attributes = {
            "RequestID": invocation.request_id,
            "ErrorCode": "200",
            "ErrorMessage": error.get("errorMessage", ""),
            "ERROR_CODE": error.get("errorType", ""),
            "ERROR_MESSAGE": error.get("errorMessage", ""),
            **delivery.attributes,
        }
        arn = spec.dead_letter_arn or delivery.dead_letter_arn
        if arn:
            return self._send(arn, json.dumps(delivery.payload), attributes, f"{spec.name} failed {attempts} times")
        self.console.lost(f"event for {spec.name}", f"failed {attempts} times: {invocation.describe_error()}")

    def _to_destination(self, delivery: Delivery) -> None:
        payload = delivery.payload if isinstance(delivery.payload, str) else json.dumps(delivery.payload)
        try:
            self.destinations.send(delivery.target_arn, payload)
            delivery.report(self.destinations.label(delivery.target_arn), "ok")
        except Exception as error:
            delivery.report(self.destinations.label(delivery.target_arn), f"failed: {error}")
            if delivery.dead_letter_arn:
                self._send(delivery.dead_letter_arn, payload, {"ERROR_MESSAGE": str(error), **delivery.attributes}, "target failed")
            else:
                self.console.lost(f"event for {delivery.target_arn}", str(error))

    def _send(self, arn: str, body: str, attributes: dict, why: str) -> None:
        self.destinations.send(arn, body, attributes)
        self.console.dead_letter(self.destinations.label(arn), why)
