"""Every Python `AWS::Lambda::Function` of the template, each run in its own warm worker processes.

A function gets its template environment plus what the Lambda service would add (name, memory,
region, handler) and the local endpoints, so boto3 inside it talks to DynamoDB Local, moto and the
runtime's EventBridge endpoint without any code change. Its code directory is the CDK asset folder
(exactly what would be deployed), or the repository's `functions/` when the asset is not there.
Workers start on first use and stay warm; a function runs at most `max_workers` invocations at a time.
An invocation that overruns the function's Timeout is killed, as Lambda does.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import omni_local
from omni_local.grants import access_key_of
from omni_local.resolve import Resolver
from omni_local.template import Resource

INIT_TIMEOUT = 30.0  # generous: a cold start on a busy two-core laptop
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONDONTWRITEBYTECODE", "SSL_CERT_FILE", "COVERAGE_PROCESS_START")


@dataclass
class FunctionSpec:
    logical_id: str
    name: str
    arn: str
    handler: str
    runtime: str
    code_dir: Path
    timeout: float
    memory: int
    environment: dict[str, str]
    reserved_concurrency: int | None = None
    dead_letter_arn: str | None = None

    @property
    def supported(self) -> bool:
        return self.runtime.startswith("python")


@dataclass
class Invocation:
    function: str
    request_id: str
    ok: bool
    result: Any = None
    error: dict | None = None
    duration_ms: float = 0.0

    def describe_error(self) -> str:
        return f"{self.error['errorType']}: {self.error['errorMessage']}" if self.error else ""


def function_specs(resolver: Resolver, repo_root: Path) -> list[FunctionSpec]:
    specs = []
    for resource in resolver.resources("AWS::Lambda::Function"):
        props = resolver.props(resource)
        variables = (props.get("Environment") or {}).get("Variables") or {}
        specs.append(
            FunctionSpec(
                logical_id=resource.logical_id,
                name=resolver.name(resource),
                arn=resolver.arn(resource),
                handler=props.get("Handler", ""),
                runtime=props.get("Runtime", ""),
                code_dir=code_dir(resource, resolver, repo_root),
                timeout=float(props.get("Timeout", 3)),
                memory=int(props.get("MemorySize", 128)),
                environment={key: _text(value) for key, value in variables.items()},
                reserved_concurrency=props.get("ReservedConcurrentExecutions"),
                dead_letter_arn=(props.get("DeadLetterConfig") or {}).get("TargetArn"),
            )
        )
    return specs


def code_dir(resource: Resource, resolver: Resolver, repo_root: Path) -> Path:
    stack_dir = resolver.assembly.stacks[resource.stack].directory
    asset = resource.metadata.get("aws:asset:path")
    key = (resource.properties.get("Code") or {}).get("S3Key") or ""
    candidates = [stack_dir / asset] if asset else []
    if isinstance(key, str) and key:
        candidates.append(stack_dir / f"asset.{key.split('.')[0]}")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return repo_root / "functions"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)


# ---- one worker process --------------------------------------------------------------------------


class WorkerDied(Exception):
    pass


class Worker:
    def __init__(self, spec: FunctionSpec, env: dict[str, str], log: Callable[[str, str], None]):
        self.spec = spec
        child_read, parent_write = os.pipe()
        parent_read, child_write = os.pipe()
        env = {**env, "OMNI_LOCAL_FDS": f"{child_read},{child_write}"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "omni_local.worker"],
            env=env,
            cwd=spec.code_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(child_read, child_write),
        )
        os.close(child_read)
        os.close(child_write)
        self._write, self._read, self._buffer = parent_write, parent_read, b""
        threading.Thread(target=self._pump, args=(log,), daemon=True, name=f"log-{spec.name}").start()

    def _pump(self, log) -> None:
        for raw in self.process.stdout:
            log(self.spec.name, raw.decode("utf-8", "replace").rstrip("\n"))

    def _message(self, timeout: float) -> dict | None:
        """The next message, None on timeout; WorkerDied when the process is gone."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self._read], [], [], remaining)
            if ready:
                chunk = os.read(self._read, 1 << 16)
                if not chunk:
                    raise WorkerDied("the worker process exited")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def wait_ready(self) -> dict | None:
        """None when ready, else the init error."""
        try:
            message = self._message(INIT_TIMEOUT)
        except WorkerDied:
            return {"errorType": "Runtime.ExitError", "errorMessage": "the function exited during init"}
        if message is None:
            return {"errorType": "Sandbox.Timedout", "errorMessage": f"init did not finish in {INIT_TIMEOUT:.0f} s"}
        return None if message.get("ready") else message["error"]

    def invoke(self, request_id: str, event: Any) -> dict:
        """The worker's answer: {"result": ...} or {"error": ...}. Kills the worker on timeout."""
        data = (json.dumps({"id": request_id, "event": event, "timeout_ms": int(self.spec.timeout * 1000)}) + "\n").encode()
        try:
            while data:
                data = data[os.write(self._write, data) :]
            message = self._message(self.spec.timeout)
        except (WorkerDied, OSError, ValueError):
            self.kill()
            return {"error": {"errorType": "Runtime.ExitError", "errorMessage": f"RequestId: {request_id} Error: Runtime exited"}}
        if message is None:
            self.kill()
            return {"error": {"errorType": "Sandbox.Timedout", "errorMessage": f"Task timed out after {self.spec.timeout:.2f} seconds"}}
        return message

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        for fd in (self._write, self._read):
            try:
                os.close(fd)
            except OSError:
                pass
        self._write = self._read = -1
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


# ---- a function's pool of workers ---------------------------------------------------------------


class FunctionPool:
    def __init__(self, spec: FunctionSpec, env: dict[str, str], max_workers: int, log):
        self.spec, self.env, self.log = spec, env, log
        limit = spec.reserved_concurrency
        self.max_workers = max(1, min(max_workers, limit) if limit else max_workers)
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()  # busy ones too, so that stop() ends them all
        self._count = 0
        self._stopped = False
        self._cond = threading.Condition()
        self._last_error: tuple | None = None  # (errorType, errorMessage) whose stack trace was printed last

    def invoke(self, event: Any, request_id: str | None = None) -> Invocation:
        request_id = request_id or str(uuid.uuid4())
        started = time.monotonic()
        worker, init_error = self._acquire()
        if worker is None:
            return Invocation(self.spec.name, request_id, False, error=init_error, duration_ms=_ms(started))
        answer = {}
        try:
            answer = worker.invoke(request_id, event)
        finally:
            self._release(worker)
        ok = "error" not in answer
        if not ok:
            self._print_error(answer["error"])
        return Invocation(self.spec.name, request_id, ok, answer.get("result"), answer.get("error"), _ms(started))

    def _print_error(self, error: dict) -> None:
        """A failure's stack trace, printed when it differs from this function's last one: an event retried
        for the same reason (an order not booked yet) does not print it again; the trace line of each
        attempt still names the error."""
        seen = (error.get("errorType"), error.get("errorMessage"))
        if seen == self._last_error:
            return
        self._last_error = seen
        for block in error.get("stackTrace") or []:
            for line in block.rstrip("\n").split("\n"):
                self.log(self.spec.name, line)

    def _acquire(self) -> tuple[Worker | None, dict | None]:
        with self._cond:
            while True:
                if self._stopped:
                    return None, {"errorType": "Runtime.Stopped", "errorMessage": "the local runtime is stopping"}
                if self._idle:
                    return self._idle.pop(), None
                if self._count < self.max_workers:
                    self._count += 1
                    break
                self._cond.wait()
        worker = Worker(self.spec, self.env, self.log)  # the cold start, outside the lock
        with self._cond:
            self._all.add(worker)
        error = worker.wait_ready()
        if error is None:
            return worker, None
        worker.kill()
        with self._cond:
            self._all.discard(worker)
            self._count -= 1
            self._cond.notify()
        return None, error

    def _release(self, worker: Worker) -> None:
        with self._cond:
            if worker.alive and not self._stopped:
                self._idle.append(worker)
            else:
                worker.kill()
                self._all.discard(worker)
                self._count -= 1
            self._cond.notify()

    def prewarm(self) -> None:
        worker, _ = self._acquire()
        if worker:
            self._release(worker)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            busy = self._all - set(self._idle)
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.kill()
        for worker in busy:  # its invoking thread sees the exit and cleans up
            worker.process.kill()


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


# ---- all functions -------------------------------------------------------------------------------


@dataclass
class Endpoints:
    moto: str
    dynamodb: str
    events: str


def lambda_environment(spec: FunctionSpec, endpoints: Endpoints, extra: dict[str, str] | None = None) -> dict[str, str]:
    local_path = str(Path(omni_local.__file__).resolve().parent.parent)
    env = {key: os.environ[key] for key in _PASSED_THROUGH if key in os.environ}
    env.update(spec.environment)
    env.update(extra or {})
    env.update(
        {  # what the Lambda service sets, and the local endpoints: the template cannot override these
            "AWS_ACCESS_KEY_ID": access_key_of(spec.logical_id),  # who calls, for the local grant checks
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_SESSION_TOKEN": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoints.moto,
            "AWS_ENDPOINT_URL_DYNAMODB": endpoints.dynamodb,
            "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": endpoints.dynamodb,
            "AWS_ENDPOINT_URL_EVENTS": endpoints.events,
            "AWS_ENDPOINT_URL_EVENTBRIDGE": endpoints.events,  # what botocore reads (service id "EventBridge")
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "OMNI_AWS_READ_TIMEOUT": "30",  # kernel.aws: a local DynamoDB on a loaded machine is slow, not wrong
            "POWERTOOLS_TRACE_DISABLED": "true",
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"local/{spec.name}",
            "_HANDLER": spec.handler,
            "LAMBDA_TASK_ROOT": str(spec.code_dir),
            "TZ": "UTC",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join([str(spec.code_dir), local_path]),
            "OMNI_LOCAL_PATH": local_path,
            "OMNI_LOCAL_FUNCTION_ARN": spec.arn,
        }
    )
    return env


class Functions:
    def __init__(self, specs: list[FunctionSpec], endpoints: Endpoints, log, max_workers: int = 2, extra_env: dict[str, str] | None = None):
        self.specs = {spec.name: spec for spec in specs}
        self._pools = {spec.name: FunctionPool(spec, lambda_environment(spec, endpoints, extra_env), max_workers, log) for spec in specs if spec.supported}

    def find(self, key: str) -> FunctionSpec:
        """A function by name, ARN, logical id or unique logical-id prefix (CDK suffixes ids with a hash)."""
        from omni_local.physical import function_from_arn

        key = function_from_arn(key)
        if key in self.specs:
            return self.specs[key]
        exact = [s for s in self.specs.values() if s.logical_id == key]
        matches = exact or [s for s in self.specs.values() if s.logical_id.startswith(key) or s.name.startswith(key)]
        if len(matches) != 1:
            names = ", ".join(sorted(s.logical_id for s in matches)) or "none"
            raise KeyError(f"{key!r} names {len(matches)} functions ({names})")
        return matches[0]

    def invoke(self, function: str, event: Any, request_id: str | None = None) -> Invocation:
        spec = self.find(function)
        pool = self._pools.get(spec.name)
        if pool is None:
            error = {"errorType": "Runtime.Unsupported", "errorMessage": f"{spec.runtime or 'this'} runtime does not run locally"}
            return Invocation(spec.name, request_id or "", False, error=error)
        return pool.invoke(event, request_id)

    def prewarm(self) -> None:
        threads = [threading.Thread(target=pool.prewarm, daemon=True) for pool in self._pools.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def stop(self) -> None:
        for pool in self._pools.values():
            pool.stop()
