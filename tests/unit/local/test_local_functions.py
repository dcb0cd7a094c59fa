"""Function workers: the JSON-lines protocol on its own pipes, logs, errors, timeouts, init failures.
Real worker subprocesses with a tiny handler module (no network)."""

import io
import textwrap

import pytest

from omni_local.functions import Endpoints, FunctionPool, Functions, FunctionSpec, lambda_environment
from omni_local.trace import Console

HANDLERS = textwrap.dedent("""
    import decimal, os, sys, time

    def echo(event, context):
        print("a log line on stdout that looks like a protocol message: {\\"id\\": 1}")
        print("and one on stderr", file=sys.stderr)
        return {"event": event, "name": context.function_name, "memory": context.memory_limit_in_mb,
                "arn": context.invoked_function_arn, "request": context.aws_request_id,
                "remaining": context.get_remaining_time_in_millis(), "table": os.environ.get("TABLE_NAME"),
                "number": decimal.Decimal("2")}

    def boom(event, context):
        raise ValueError("no good")

    def picky(event, context):
        raise LookupError(f"not yet: {event['order']}")

    def slow(event, context):
        time.sleep(3)

    def unserializable(event, context):
        return {"when": object()}
""")


@pytest.fixture
def code(tmp_path):
    (tmp_path / "handlers.py").write_text(HANDLERS)
    (tmp_path / "broken.py").write_text("import not_a_module_anywhere\ndef handler(e, c): pass\n")
    return tmp_path


def spec(code, handler, timeout=5.0, name="Fn") -> FunctionSpec:
    return FunctionSpec(
        logical_id=name + "ABC123",
        name=name,
        arn=f"arn:aws:lambda:us-east-1:000000000000:function:{name}",
        handler=handler,
        runtime="python3.13",
        code_dir=code,
        timeout=timeout,
        memory=256,
        environment={"TABLE_NAME": "orders"},
    )


ENDPOINTS = Endpoints("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3")


def pool(code, handler, **kw):
    output = io.StringIO()
    s = spec(code, handler, **kw)
    return FunctionPool(s, lambda_environment(s, ENDPOINTS), 1, Console(output).log), output


def test_a_warm_worker_answers_with_a_lambda_context_and_logs_apart(code):
    functions, output = pool(code, "handlers.echo")
    try:
        first = functions.invoke({"n": 1}, "req-1")
        second = functions.invoke({"n": 2}, "req-2")
    finally:
        functions.stop()
    assert first.ok and second.ok
    assert first.result["event"] == {"n": 1} and second.result["event"] == {"n": 2}
    assert first.result["name"] == "Fn" and first.result["memory"] == "256" and first.result["request"] == "req-1"
    assert first.result["arn"].endswith(":function:Fn") and 0 < first.result["remaining"] <= 5000
    assert first.result["table"] == "orders" and first.result["number"] == 2
    logs = output.getvalue()
    assert "[Fn] a log line on stdout" in logs and "[Fn] and one on stderr" in logs


def test_errors_have_lambdas_shape(code):
    functions, _ = pool(code, "handlers.boom")
    try:
        invocation = functions.invoke({})
    finally:
        functions.stop()
    assert not invocation.ok
    assert invocation.error["errorType"] == "ValueError" and invocation.error["errorMessage"] == "no good"
    assert any("raise ValueError" in line for line in invocation.error["stackTrace"])


def test_a_stack_trace_is_printed_once_while_the_same_error_repeats(code):
    functions, output = pool(code, "handlers.picky")
    try:
        for order in ("o-1", "o-1", "o-1", "o-2"):  # an event retried for one reason, then another failure
            assert not functions.invoke({"order": order}).ok
    finally:
        functions.stop()
    logs = output.getvalue()
    assert logs.count("[Fn] Traceback (most recent call last):") == 2
    assert logs.count("[Fn] LookupError: not yet: o-1") == 1 and logs.count("[Fn] LookupError: not yet: o-2") == 1


def test_unserializable_results_are_marshal_errors(code):
    functions, _ = pool(code, "handlers.unserializable")
    try:
        assert functions.invoke({}).error["errorType"] == "Runtime.MarshalError"
    finally:
        functions.stop()


def test_a_timeout_kills_the_worker_and_the_next_call_gets_a_fresh_one(code):
    functions, _ = pool(code, "handlers.slow", timeout=0.5)
    try:
        invocation = functions.invoke({})
        assert invocation.error["errorType"] == "Sandbox.Timedout"
        assert "Task timed out after 0.50 seconds" in invocation.error["errorMessage"]
        assert functions.invoke({}).error["errorType"] == "Sandbox.Timedout"  # a new worker, same fate
    finally:
        functions.stop()


def test_an_import_error_is_reported_as_an_init_error(code):
    functions, _ = pool(code, "broken.handler")
    try:
        assert functions.invoke({}).error["errorType"] == "Runtime.ImportModuleError"
    finally:
        functions.stop()


def test_environment_has_the_template_variables_and_what_lambda_sets(code):
    env = lambda_environment(spec(code, "handlers.echo"), ENDPOINTS, {"EXTRA": "1"})
    assert env["TABLE_NAME"] == "orders" and env["EXTRA"] == "1"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1"
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == env["AWS_ENDPOINT_URL_DYNAMODB_STREAMS"] == "http://127.0.0.1:2"
    assert env["AWS_ENDPOINT_URL_EVENTS"] == env["AWS_ENDPOINT_URL_EVENTBRIDGE"] == "http://127.0.0.1:3"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "Fn" and env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_DEFAULT_REGION"] == "us-east-1" and env["AWS_ACCOUNT_ID_ENDPOINT_MODE"] == "disabled"
    assert env["POWERTOOLS_TRACE_DISABLED"] == "true" and env["_HANDLER"] == "handlers.echo"
    assert env["PYTHONPATH"].split(":")[0] == str(code)


def test_functions_are_found_by_logical_id_prefix_name_or_arn(code):
    functions = Functions([spec(code, "handlers.echo", name="InventoryApi"), spec(code, "handlers.echo", name="InventoryOutbox")], ENDPOINTS, Console(io.StringIO()).log)
    assert functions.find("InventoryApiABC123").name == "InventoryApi"
    assert functions.find("InventoryOut").name == "InventoryOutbox"
    assert functions.find("arn:aws:lambda:us-east-1:000000000000:function:InventoryApi").name == "InventoryApi"
    with pytest.raises(KeyError, match="names 2 functions"):
        functions.find("Inventory")
    with pytest.raises(KeyError):
        functions.find("Catalog")
