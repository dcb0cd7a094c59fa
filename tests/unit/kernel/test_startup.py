"""The init runs without the garbage collector; the first invocation ends it (kernel.startup, decision 70).

Fresh interpreters, as Lambda's init is one: this test process's collector is not the one under test."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"

# Import a handler as Lambda's init does, report the collector, invoke the handler once, report it again.
_INIT_THEN_INVOKE = """
import gc, importlib, json, sys
module = importlib.import_module(sys.argv[1])
during_init = gc.isenabled()
from kernel.snapstart import _WARM_UP_EVENT, _WarmUpContext
answer = module.handler(dict(_WARM_UP_EVENT), _WarmUpContext())
print(json.dumps({"during_init": during_init, "after": gc.isenabled(), "frozen": gc.get_freeze_count(), "status": answer["statusCode"]}))
"""


def _run(environment: dict[str, str]) -> dict:
    inherited = {name: value for name, value in os.environ.items() if name != "AWS_LAMBDA_FUNCTION_NAME"}
    env = {**inherited, "PYTHONPATH": str(FUNCTIONS), "TABLE_NAME": "startup", "CHANNELS": "{}", **environment}
    probe = subprocess.run([sys.executable, "-c", _INIT_THEN_INVOKE, "catalog.handlers.api"], env=env, capture_output=True, text=True, check=True)
    return json.loads(probe.stdout.strip().splitlines()[-1])


def test_in_an_execution_environment_the_collector_waits_for_the_first_invocation_and_the_init_is_frozen():
    seen = _run({"AWS_LAMBDA_FUNCTION_NAME": "CatalogApi"})
    assert seen["status"] == 404  # the warm-up request: no route, no AWS call
    assert seen["during_init"] is False
    assert seen["after"] is True
    assert seen["frozen"] > 50_000  # modules, classes, validators and service models of the init


@pytest.mark.parametrize("environment", [{}, {"AWS_LAMBDA_FUNCTION_NAME": ""}])
def test_outside_an_execution_environment_the_collector_is_left_alone(environment):
    seen = _run(environment)
    assert seen["during_init"] is True and seen["after"] is True and seen["frozen"] == 0
