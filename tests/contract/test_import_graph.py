"""Every handler imports only what its trigger needs (decision 17): cold starts stay close to bare boto3.

Each handler module is imported in a fresh interpreter, as Lambda's init does, and its sys.modules is
checked. Timings live in `make bench`; this keeps the import graph that the timings depend on honest,
for every function every domain declares, including domains added later.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from omni_infra.domains import function_specs

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"

XRAY_SDK = "aws_xray_sdk"
EVENT_HANDLER = "aws_lambda_powertools.event_handler"  # routing, validation, OpenAPI: API functions only
OPENAPI_MODELS = "aws_lambda_powertools.event_handler.openapi.models"  # the OpenAPI document, ~40 ms of models
SWAGGER_UI = "aws_lambda_powertools.event_handler.openapi.swagger_ui"
DATA_CLASSES = "aws_lambda_powertools.utilities.data_classes"  # its __init__ loads every event source's classes
BATCH = "aws_lambda_powertools.utilities.batch"  # with the data classes and the parser: ~30 ms for a queue function

FORBIDDEN_IN_API = (XRAY_SDK, OPENAPI_MODELS, SWAGGER_UI)
FORBIDDEN_ELSEWHERE = (XRAY_SDK, EVENT_HANDLER)  # stream, event, schedule and any trigger added later

_PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(list(sys.modules)))  # in the order they were imported
"""


def _probe(module: str, **environment: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(FUNCTIONS), "TABLE_NAME": "probe", "CHANNELS": "{}", **environment}
    env.pop("POWERTOOLS_TRACE_DISABLED", None)  # as deployed: tracing on
    return subprocess.Popen([sys.executable, "-c", _PROBE, module], env=env, stdout=subprocess.PIPE, text=True)


def _modules(probe: subprocess.Popen) -> list[str]:
    out, _ = probe.communicate(timeout=60)
    assert probe.returncode == 0, f"import failed: {probe.args}"
    return json.loads(out)


def _loaded(modules: list[str], package: str) -> list[str]:
    return sorted(name for name in modules if name == package or name.startswith(package + "."))


HANDLERS = sorted({(fn.handler.rsplit(".", 1)[0], type(fn.trigger).__name__) for _, fn in function_specs()})


@pytest.fixture(scope="module")
def imported() -> dict[str, list[str]]:
    """Every handler imported at once, each in its own interpreter (they run in parallel)."""
    probes = {module: _probe(module) for module, _ in HANDLERS}
    return {module: _modules(probe) for module, probe in probes.items()}


@pytest.mark.parametrize(("module", "trigger"), HANDLERS, ids=[module for module, _ in HANDLERS])
def test_a_handler_imports_only_what_its_trigger_needs(imported, module, trigger):
    for package in FORBIDDEN_IN_API if trigger == "Api" else FORBIDDEN_ELSEWHERE:
        assert not _loaded(imported[module], package), f"{module} ({trigger}) imports {package} on its cold path"


@pytest.mark.parametrize("module", [module for module, trigger in HANDLERS if trigger == "Api"])
def test_an_api_init_registers_routes_without_loading_their_data_access(imported, module):
    """A route's logic, and the data access under it, is imported on its first request (kernel.lazy, decision 70)."""
    loaded = [name for name in imported[module] if name.split(".")[1:2] == ["dal"] and name.split(".")[0] != "kernel"]
    assert not loaded, f"{module} imports {loaded} at init: bind them with kernel.lazy.on_first_use"


@pytest.mark.parametrize("module", [module for module, trigger in HANDLERS if trigger == "Api"])
def test_every_name_imported_on_first_use_is_bound_under_its_own_name(module):
    """A stand-in replaces itself where it is bound: bound under another name, every use would go through it."""
    from kernel.lazy import Lazy

    namespace = importlib.import_module(module).__dict__
    misbound = [name for name, value in namespace.items() if isinstance(value, Lazy) and value.binding != name]
    assert not misbound, f"{module}: {misbound}"


LIBRARIES = ("boto3", "botocore", "pydantic", "pydantic_core", "aws_lambda_powertools")


@pytest.mark.parametrize("module", [module for module, _ in HANDLERS])
def test_a_handler_pauses_the_collector_before_any_library_loads(imported, module):
    """The domain package imports kernel.startup first (decision 70): what loads before it is scanned by the collector."""
    order = imported[module]
    assert "kernel.startup" in order, f"{module.split('.')[0]}/__init__.py must import kernel.startup first"
    before = order[: order.index("kernel.startup")]
    assert not [name for name in before if name.split(".")[0] in LIBRARIES], f"{module} loads libraries before kernel.startup"


@pytest.mark.parametrize("module", [module for module, trigger in HANDLERS if trigger == "Stream"])
def test_an_outbox_reads_its_stream_records_without_the_data_classes(imported, module):
    assert not _loaded(imported[module], DATA_CLASSES), f"{module} imports {DATA_CLASSES} on its cold path"


@pytest.mark.parametrize("module", [module for module, trigger in HANDLERS if trigger == "OnQueue"])
def test_a_queue_consumer_reads_its_messages_without_the_batch_utility(imported, module):
    for package in (BATCH, DATA_CLASSES):
        assert not _loaded(imported[module], package), f"{module} imports {package} on its cold path"


def _domain_models() -> list[type]:
    from pydantic import BaseModel

    names = [".".join(path.relative_to(FUNCTIONS).with_suffix("").parts) for path in sorted(FUNCTIONS.glob("*/models/*.py"))]
    modules = [importlib.import_module(name) for name in names]
    return [cls for module in modules for _, cls in inspect.getmembers(module, inspect.isclass) if issubclass(cls, BaseModel) and cls.__module__ == module.__name__]


def test_every_domain_model_is_built_on_first_use_not_at_import():
    from kernel.model import Model

    models = _domain_models()
    assert len(models) > 20
    eager = [f"{cls.__module__}.{cls.__name__}" for cls in models if not (issubclass(cls, Model) and cls.model_config.get("defer_build"))]
    assert not eager, f"derive these from kernel.model.Model (decision 17): {eager}"


def test_the_xray_sdk_is_loaded_where_a_stage_opts_in_to_its_subsegments():
    assert _loaded(_modules(_probe("inventory.handlers.hold_sweeper", XRAY_SDK="true")), XRAY_SDK)


# A domain reaches another one only through what that one publishes: its events' models (the contract
# consumers validate) and its public logic interfaces, named here (decision 32); never its dal or rules.
PUBLIC_INTERFACES = {"inventory.logic.for_orders"}  # inventory's operations that orders composes


def _imports(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return found


def _allowed(module: str, other: str) -> bool:
    return module in (other, f"{other}.models", f"{other}.logic") or module.startswith(f"{other}.models.events") or any(module == name or module.startswith(name + ".") for name in PUBLIC_INTERFACES)


def test_a_domain_reaches_another_only_through_its_events_or_its_public_interface():
    domains = {path.parent.name for path in FUNCTIONS.glob("*/__init__.py")} - {"kernel"}
    crossing = []
    for domain in sorted(domains):
        for path in sorted((FUNCTIONS / domain).rglob("*.py")):
            for module in _imports(path):
                other = module.split(".")[0]
                if other in domains and other != domain and not _allowed(module, other):
                    crossing.append(f"{path.relative_to(FUNCTIONS)} imports {module}")
    assert not crossing, crossing
