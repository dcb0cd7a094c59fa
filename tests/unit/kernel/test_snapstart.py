"""SnapStart hooks: the snapshot holds what the first request would build; each restored copy is unique."""

import importlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kernel import aws, snapstart
from omni_infra.domains import function_specs
from support.env import domain_environment

API_MODULES = sorted(fn.handler.rsplit(".", 1)[0] for _, fn in function_specs() if type(fn.trigger).__name__ == "Api")


@pytest.mark.parametrize("module", API_MODULES)
def test_before_the_snapshot_the_client_is_built_and_the_resolver_answered_without_any_call(module):
    app = importlib.import_module(module).app
    with domain_environment("snapshot"):
        answer = snapstart.before_snapshot(app)  # sockets are disabled here: any AWS call would fail
        assert aws.dynamodb.cache_info().currsize == 1
    assert answer["statusCode"] == 404
    assert json.loads(answer["body"])["code"] == "route_not_found"


_SNAPSHOT_PROBE = """
import importlib, sys
from kernel import lazy, model, snapstart
module = importlib.import_module(sys.argv[1])
snapstart.before_snapshot(module.app)
unbuilt = [name for name, value in vars(module).items() if isinstance(value, lazy.Lazy)]  # routes' names, imported
pending = list(model.Model.__subclasses__())
while pending:
    cls = pending.pop()
    pending.extend(cls.__subclasses__())
    unbuilt += [] if cls.__pydantic_complete__ else [cls.__name__]
print(unbuilt)
"""


@pytest.mark.parametrize("module", API_MODULES)
def test_the_snapshot_holds_every_model_built(module):
    """Routes import their models on first use (kernel.lazy) and models are built on first use (kernel.model): a
    snapshot must leave neither to each restored copy.
    A fresh interpreter, since the other tests of this process have built models already."""
    functions = Path(__file__).resolve().parents[3] / "functions"
    env = {**os.environ, "PYTHONPATH": str(functions), "TABLE_NAME": "snapshot", "CHANNELS": "{}"}
    probe = subprocess.run([sys.executable, "-c", _SNAPSHOT_PROBE, module], env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "[]"


def test_each_restored_copy_draws_its_own_random_sequence():
    random.seed(8)
    snapshot = random.getstate()  # what every copy of the snapshot starts from
    draws = []
    for _ in range(2):
        random.setstate(snapshot)
        snapstart.after_restore()
        draws.append([random.randrange(10) for _ in range(16)])  # e.g. shards chosen by inventory.logic.holds
    assert draws[0] != draws[1]


def test_every_api_function_registers_the_hooks(monkeypatch):
    registered = []
    monkeypatch.setattr(snapstart, "register_before_snapshot", lambda hook, *args: registered.append(hook))
    monkeypatch.setattr(snapstart, "register_after_restore", lambda hook, *args: registered.append(hook))
    from kernel.api import create_app, lambda_handler

    lambda_handler(create_app())
    assert registered == [snapstart.before_snapshot, snapstart.after_restore]
