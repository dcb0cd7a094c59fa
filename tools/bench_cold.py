"""`make bench` section 1 (`tools/bench.py --only cold`): the cold-start proxy per handler (decision 17).

A fresh process imports the handler module (Lambda's init, with the variable Lambda sets, so the collector is paused
as it is there: kernel.startup), starts its first invocation and builds its clients, beside a bare `import boto3` + one
DynamoDB client (the baseline) on the same interpreter and paths, round-robin so the machine's load drifts over all alike;
medians of wall and CPU time (user + system: a shared machine disturbs it less). Three tables:
- Python 3.11 (the development virtualenv), as in the earlier rounds: libraries with pip's `.pyc`, Omni's modules
  as the machine leaves them (with PYTHONDONTWRITEBYTECODE=1, from source every time);
- Python 3.13, Lambda's version (`.venv-3.13`, x86_64 wheels of layers/requirements.txt, `make bench` builds
  it): with `.pyc` = the function asset as synthesized (omni_infra.bytecode) and the libraries compiled the
  same way, as deployed; without `.pyc` = sources only and nothing written, as Lambda's read-only /var/task and
  /opt were before: every module compiled on every cold start.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY313 = ROOT / ".venv-3.13" / "bin" / "python"
PY313_COMPILED_LIBS = ROOT / "build" / "bench-3.13" / "python"  # the venv's packages, compiled as the layer is

# Cold-start goals over the bare-boto3 baseline (decision 17): API functions may load routing, validation
# and their routes' models; every other trigger (stream, event, schedule, any added later) stays close to bare boto3.
API_GOAL_MS = 150
OTHER_GOAL_MS = 50
BASELINE = "import boto3; boto3.client('dynamodb')"
# What a stream, event or queue function cannot do without, one step at a time over the baseline: the floor under
# its figure (decision 17). Printed beside the handlers, without a goal.
FLOOR = (
    ("floor: + an events client", f"{BASELINE}; boto3.client('events')"),
    ("floor: + pydantic (BaseModel)", f"{BASELINE}; boto3.client('events'); from pydantic import BaseModel"),
    ("floor: + Powertools Logger and Metrics", f"{BASELINE}; boto3.client('events'); from pydantic import BaseModel; import kernel.observability"),
    # The same, as handlers run since decision 70: the init's imports without the collector, the clients after it.
    ("floor: the same, collector paused for the init", "import kernel.startup; from pydantic import BaseModel; import kernel.observability; kernel.startup.end(); import boto3; boto3.client('dynamodb'); boto3.client('events')"),
)


# Where Lambda's init ends and the first invocation starts (kernel.observability.observed() calls it): the garbage
# collector, paused for the init, runs again (kernel.startup, decision 70); the invocation then builds its clients.
FIRST_INVOCATION = "from kernel import startup; startup.end()"
# What Lambda sets in every execution environment (kernel.startup pauses the collector only there).
LAMBDA_ENVIRONMENT = {"AWS_LAMBDA_FUNCTION_NAME": "bench"}


@dataclass(frozen=True)
class Interpreter:
    title: str
    python: str
    paths: tuple[str, ...]  # PYTHONPATH: Omni's functions first, then any libraries that shadow the venv's
    environment: tuple[tuple[str, str], ...] = ()


def cold_start_cases() -> list[tuple[str, str, str]]:
    """(module, trigger kind, code) for every function every domain declares, with the clients it builds."""
    from omni_infra.domains import function_specs

    cases: dict[str, tuple[str, str, str]] = {}  # by code: functions that share a module are measured once
    for domain, function in function_specs():
        module = function.handler.rsplit(".", 1)[0]
        clients = ["dynamodb()"] if domain.table is not None and function.table != "none" else []
        clients += ["client('events')"] if function.publishes else []
        clients += ["client('secretsmanager')"] if function.reads_channel_secrets or function.reads_secrets else []
        build = "; ".join(["from kernel.aws import client, dynamodb", *clients])
        code = f"import {module}; {FIRST_INVOCATION}; {build}"
        cases.setdefault(code, (module, type(function.trigger).__name__, code))
    # What a handler loads on first use, beyond its import: the phone library, at the first phone parsed.
    first_phone = "from profiles.logic.normalize import phone; phone('+33612345678', 'FR')"
    code = f"import profiles.handlers.api; {FIRST_INVOCATION}; {first_phone}; from kernel.aws import client, dynamodb; dynamodb()"
    return [*cases.values(), ("profiles API + its first phone parsed", "Api", code)]


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_ms(interpreter: Interpreter, code: str) -> tuple[float, float]:
    """Wall and CPU (user + system) milliseconds of one fresh process."""
    import time

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(interpreter.paths), "TABLE_NAME": "bench", "CHANNELS": "{}", **LAMBDA_ENVIRONMENT, **dict(interpreter.environment)}
    start, cpu = time.perf_counter(), _children_cpu_s()
    subprocess.run([interpreter.python, "-c", code], env=env, check=True)
    return (time.perf_counter() - start) * 1000, (_children_cpu_s() - cpu) * 1000


def cold_table(interpreter: Interpreter, runs: int) -> None:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n== cold start proxy, {interpreter.title}: fresh process, import + clients (median of {runs}, interleaved with the baseline; load {load}) ==")
    cases = cold_start_cases()
    samples: dict[str, list[tuple[float, float]]] = {code: [] for code in [BASELINE, *(code for _, code in FLOOR), *(code for _, _, code in cases)]}
    for _ in range(runs):
        for code, values in samples.items():
            values.append(_process_ms(interpreter, code))
    wall = {code: statistics.median(ms for ms, _ in values) for code, values in samples.items()}
    cpu = {code: statistics.median(ms for _, ms in values) for code, values in samples.items()}
    baseline, baseline_cpu = wall[BASELINE], cpu[BASELINE]
    print(f"  {'baseline: import boto3 + one DynamoDB client':48} {baseline:7.0f} ms  (cpu {baseline_cpu:.0f} ms)")
    for name, code in FLOOR:
        print(f"  {name:48} {wall[code]:7.0f} ms  ({wall[code] - baseline:+4.0f} ms, cpu {cpu[code] - baseline_cpu:+4.0f} ms)")
    for module, kind, code in cases:
        ms = wall[code]
        goal = API_GOAL_MS if kind == "Api" else OTHER_GOAL_MS
        extra_cpu = cpu[code] - baseline_cpu
        # The goal is the issue's, in wall time; on a loaded machine only the CPU verdict means much.
        verdict = f"wall {_verdict(ms - baseline, goal)}, cpu {_verdict(extra_cpu, goal)}"
        print(f"  {module:48} {ms:7.0f} ms  ({ms - baseline:+4.0f} ms, cpu {extra_cpu:+4.0f} ms; {kind} goal +{goal} ms: {verdict})")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"  (load at the end: {load})")


def _verdict(extra_ms: float, goal: int) -> str:
    return "met" if extra_ms <= goal else "NOT MET"


def cold_starts(runs: int, pythons: tuple[str, ...] = ("3.11", "3.13")) -> None:
    from omni_infra import bytecode
    from omni_infra.function import FUNCTIONS_BUILD, FUNCTIONS_DIR

    if "3.11" in pythons:
        cold_table(Interpreter(f"Python {sys.version.split()[0]} (development venv)", sys.executable, (str(FUNCTIONS_DIR),)), runs)
    if "3.13" not in pythons:
        return
    if not PY313.exists() or not bytecode.is_compiled(PY313_COMPILED_LIBS):
        print(f"\n(no Python 3.13 table: {PY313} or {PY313_COMPILED_LIBS} is missing; `make bench` builds them)")
        return
    shipped = bytecode.compiled_copy(FUNCTIONS_DIR, FUNCTIONS_BUILD)  # the function asset, as synth makes it
    cold_table(Interpreter("Python 3.13 with .pyc (as deployed)", str(PY313), (str(shipped), str(PY313_COMPILED_LIBS))), runs)
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "functions"
        shutil.copytree(FUNCTIONS_DIR, sources, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        from_source = Interpreter("Python 3.13 without .pyc (every module compiled at each cold start)", str(PY313), (str(sources),), (("PYTHONDONTWRITEBYTECODE", "1"),))
        cold_table(from_source, runs)
