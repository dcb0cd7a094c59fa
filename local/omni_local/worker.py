"""One function's execution environment: `python -m omni_local.worker`, started by functions.py.

It imports the handler once (the cold start) and then serves invocations one at a time, like a warm
Lambda sandbox. The protocol is JSON lines on two dedicated pipes whose descriptors come in
OMNI_LOCAL_FDS, so whatever the function prints (Powertools' JSON logs) goes to stdout/stderr and
can never corrupt it:

    parent -> worker  {"id": request id, "event": ..., "timeout_ms": n}
    worker -> parent  {"ready": true} once, then {"id": ..., "result": ...} or {"id": ..., "error": {...}}

Errors have Lambda's shape: errorType, errorMessage, stackTrace.
"""

from __future__ import annotations

import decimal
import importlib
import json
import os
import signal
import sys
import time
import traceback


class LambdaContext:
    """The attributes a Lambda handler's context object has."""

    def __init__(self, request_id: str, timeout_ms: int):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ.get("OMNI_LOCAL_FUNCTION_ARN", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def error_of(exc: BaseException, error_type: str | None = None) -> dict:
    return {
        "errorType": error_type or type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_exception(type(exc), exc, exc.__traceback__),
    }


def load_handler(spec: str):
    module_path, _, name = spec.rpartition(".")
    module = importlib.import_module(module_path.replace("/", "."))
    return getattr(module, name)


def _decimal(value):  # the Lambda runtime serializes Decimal too
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runtime's to handle; it stops us
    read_fd, write_fd = (int(fd) for fd in os.environ.pop("OMNI_LOCAL_FDS").split(","))
    local_path = os.environ.pop("OMNI_LOCAL_PATH", None)
    if local_path in sys.path:  # the function must not see the runtime's own package
        sys.path.remove(local_path)
    requests = os.fdopen(read_fd, "r", encoding="utf-8")

    def send(message: dict) -> None:
        data = (json.dumps(message, default=_decimal) + "\n").encode()
        while data:
            data = data[os.write(write_fd, data) :]

    try:
        handler = load_handler(os.environ["_HANDLER"])
    except Exception as exc:  # reported to every invocation, as Lambda does with a failed init
        kind = "Runtime.ImportModuleError" if isinstance(exc, ImportError) else "Runtime.HandlerInitError"
        send({"ready": False, "error": error_of(exc, kind)})
        return
    send({"ready": True})

    for line in requests:  # EOF: the runtime has gone, so do we
        request = json.loads(line)
        context = LambdaContext(request["id"], request.get("timeout_ms", 3000))
        try:
            result = handler(request["event"], context)
            try:
                send({"id": request["id"], "result": result})
            except (TypeError, ValueError) as exc:
                send({"id": request["id"], "error": error_of(exc, "Runtime.MarshalError")})
        except Exception as exc:  # its stack trace goes back in the answer; the runtime prints it (once)
            send({"id": request["id"], "error": error_of(exc)})
        finally:
            sys.stdout.flush()
            sys.stderr.flush()


if __name__ == "__main__":
    main()
