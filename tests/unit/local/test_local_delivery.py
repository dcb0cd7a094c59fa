"""Asynchronous delivery to a function, as Lambda retries it on the local time scale, and what `wait_idle`
says while a delivery is still running (no processes: a stand-in for the function pool)."""

import io
import threading

import pytest

from omni_local.activity import Activity
from omni_local.delivery import AsyncDelivery, Delivery
from omni_local.functions import FunctionSpec, Invocation
from omni_local.rules import AsyncConfig
from omni_local.trace import Console

ARN = "arn:aws:lambda:us-east-1:000000000000:function:Attribution"
EVENT = {"source": "omni.profiles", "detail-type": "OrdersAttributed", "detail": {}}


class AlwaysFailing:
    """A function that fails every invocation; `release` lets a blocked one finish."""

    def __init__(self, block: bool = False):
        self.calls = 0
        self.release = threading.Event()
        if not block:
            self.release.set()

    def find(self, _arn):
        return FunctionSpec(logical_id="AttributionABC", name="Attribution", arn=ARN, handler="h.h", runtime="python3.13", code_dir=None, timeout=3, memory=128, environment={})

    def invoke(self, name, payload):
        self.calls += 1
        self.release.wait(10)
        return Invocation(name, f"req-{self.calls}", False, error={"errorType": "LookupError", "errorMessage": "orders not booked yet: o-1"})


class Dead:
    def __init__(self):
        self.sent = []

    def send(self, arn, body, attributes=None):
        self.sent.append(arn)

    def label(self, arn):
        return arn.rsplit(":", 1)[-1]


def deliver(functions, config: AsyncConfig, retry_delay: float = 0.01):
    dead, activity = Dead(), Activity()
    delivery = AsyncDelivery(functions, dead, Console(io.StringIO()), activity, {"Attribution": config}, lambda *_: None, retry_delay=retry_delay)
    reports = []
    delivery.submit(Delivery(ARN, EVENT, lambda target, outcome: reports.append(outcome), dead_letter_arn="arn:aws:sqs:us-east-1:000000000000:Dlq"))
    return delivery, activity, dead, reports


def test_a_failing_event_is_retried_as_lambda_retries_then_dead_lettered():
    functions = AlwaysFailing()
    delivery, activity, dead, reports = deliver(functions, AsyncConfig(retries=None))
    activity.wait_idle(5)
    delivery.stop()
    assert functions.calls == 3  # Lambda's two retries: no EventInvokeConfig in the template
    assert dead.sent == ["arn:aws:sqs:us-east-1:000000000000:Dlq"]


def test_an_event_older_than_its_maximum_age_on_the_local_scale_is_not_retried():
    # 60 s of Lambda's backoff is 10 ms here: a 60-second maximum age is 10 ms, shorter than the first backoff
    functions = AlwaysFailing()
    delivery, activity, dead, reports = deliver(functions, AsyncConfig(retries=2, max_age=60))
    activity.wait_idle(5)
    delivery.stop()
    assert functions.calls == 1
    assert any("older than its maximum event age" in outcome for outcome in reports)
    assert len(dead.sent) == 1


def test_wait_idle_names_the_delivery_still_running():
    functions = AlwaysFailing(block=True)
    delivery, activity, _, _ = deliver(functions, AsyncConfig(retries=0))
    try:
        with pytest.raises(TimeoutError) as timed_out:
            activity.wait_idle(0.2)
    finally:
        functions.release.set()
        activity.wait_idle(5)
        delivery.stop()
    assert "running: event omni.profiles/OrdersAttributed → Attribution (for " in str(timed_out.value)
