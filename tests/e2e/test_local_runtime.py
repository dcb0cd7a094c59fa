"""The local runtime itself, on a small hand-written app (tests/unit/local/fixtures/cdkout): two
stacks with cross-stack imports, a REST API with API-key, IAM and Cognito methods, an event bus with a
pattern rule and a schedule, a stream mapping with partial batch responses and an on-failure queue,
and a queue mapping with a redrive policy. Everything is checked over real HTTP and real services.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
import requests

from omni_local import invoke as invoke_cli
from omni_local.cognito import LocalIssuer
from omni_local.runtime import Runtime
from omni_local.sigv4 import OPERATOR, Operator, OperatorAuth, sign_operator_request

FIXTURES = Path(__file__).resolve().parents[1] / "unit" / "local" / "fixtures"
STREAM_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/DataTable1A2B3C4D/stream/2020-01-01T00:00:00.000"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    """This module's runtime runs the fixture app (it overrides the session runtime of conftest)."""
    state = tmp_path_factory.mktemp("state") / "runtime.json"
    local = Runtime(FIXTURES / "cdkout", repo_root=FIXTURES, port=0, state_file=state, async_retry_delay=0.05, stream_retry_delay=0.05)
    local.start()
    yield local
    local.stop()


def seen(runtime, kind: str) -> list[dict]:
    """What the fixture handlers recorded, of one kind (api, stream, consumer, other, queue)."""
    answer = runtime.client("dynamodb").query(TableName=runtime.table_name("SeenTable"), KeyConditionExpression="pk = :k", ExpressionAttributeValues={":k": {"S": kind}}, ConsistentRead=True)
    return [{"key": item["sk"]["S"], **json.loads(item["data"]["S"])} for item in answer["Items"]]


def item_exists(runtime, key: str) -> bool:
    answer = runtime.client("dynamodb").get_item(TableName=runtime.table_name("DataTable"), Key={"pk": {"S": key}, "sk": {"S": "item"}})
    return "Item" in answer


def drain(runtime, queue: str, wait: float = 0.0) -> list[dict]:
    sqs = runtime.client("sqs")
    url = runtime.queue_url(queue)
    deadline = time.monotonic() + wait
    messages: list[dict] = []
    while True:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        for message in answer.get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            messages.append(message)
        if messages or time.monotonic() >= deadline:
            return messages
        time.sleep(0.2)


def marker() -> str:
    return uuid.uuid4().hex[:8]


# ---- API Gateway ---------------------------------------------------------------------------------


def test_api_key_method_refuses_without_a_valid_key_and_writes_nothing(runtime, channel_session):
    url = runtime.api_url + "/v1/items"
    missing = requests.post(url, json={"id": "no-key"})
    orphan = requests.post(url, json={"id": "orphan-key"}, headers={"x-api-key": runtime.api_key("orphan")})
    wrong = requests.post(url, json={"id": "wrong-key"}, headers={"x-api-key": "nope"})
    for answer in (missing, orphan, wrong):
        assert answer.status_code == 403
        assert answer.json() == {"message": "Forbidden"}
    assert not item_exists(runtime, "no-key") and not item_exists(runtime, "orphan-key")

    answer = channel_session("web").post("/v1/items", json={"id": "with-key"})
    assert answer.status_code == 201
    body = answer.json()
    assert body["channels"][body["apiKeyId"]]["id"] == "web"  # the id API Gateway reports is the one CHANNELS names
    assert item_exists(runtime, "with-key")


def test_unknown_path_or_method_is_missing_authentication_token(runtime):
    for method, path in [("GET", "/nope"), ("DELETE", "/v1/items"), ("GET", "/v1/items")]:
        answer = requests.request(method, runtime.api_url + path)
        assert answer.status_code == 403, (method, path)
        assert answer.json() == {"message": "Missing Authentication Token"}
        assert answer.headers["Access-Control-Allow-Origin"] == "*"  # the template's DEFAULT_4XX gateway response


def test_iam_method_checks_the_sigv4_signature(runtime, operator_session):
    url = runtime.api_url + "/v1/operator?b=2&a=1"
    unsigned = requests.get(url)
    assert unsigned.status_code == 403 and unsigned.json() == {"message": "Missing Authentication Token"}

    signed = operator_session.get("/v1/operator?b=2&a=1")
    assert signed.status_code == 200
    assert signed.json()["userArn"] == OPERATOR.user_arn
    assert signed.json()["query"] == {"a": "1", "b": "2"}

    stranger = Operator(OPERATOR.access_key, "not-the-secret", OPERATOR.user_arn, OPERATOR.user_id)
    forged = requests.get(url, auth=OperatorAuth(stranger))
    assert forged.status_code == 403 and forged.json()["message"].startswith("The request signature we calculated does not match")

    headers = sign_operator_request("POST", runtime.api_url + "/v1/events", b'{"type": "OtherThing", "count": 1}')
    tampered = requests.post(runtime.api_url + "/v1/events", data=b'{"type": "OtherThing", "count": 9}', headers=headers)
    assert tampered.status_code == 403


def test_stage_prefixed_url_is_served_too(runtime, operator_session):
    assert operator_session.get("/dev/v1/operator").json()["stage"] == "dev"


def test_cognito_method_needs_a_local_token_and_the_key(runtime, channel_session, shopper_session):
    token = requests.post(runtime.api_url + "/_local/tokens", json={"sub": "shopper-1", "email": "ada@example.com"}).json()["token"]
    answer = channel_session("web").get("/v1/me", headers={"Authorization": token})
    assert answer.status_code == 200
    claims = answer.json()["claims"]
    assert claims["sub"] == "shopper-1" and claims["email"] == "ada@example.com" and claims["token_use"] == "id"
    assert all(isinstance(value, str) for value in claims.values())

    assert shopper_session("web", sub="shopper-2").get("/v1/me").json()["claims"]["sub"] == "shopper-2"

    foreign_token = LocalIssuer(runtime.issuer.pool_ids).mint("shopper-1")  # same pool, another key
    for bad in ("", "not-a-jwt", foreign_token, runtime.mint_token("shopper-1", ttl=-10)):
        refused = channel_session("web").get("/v1/me", headers={"Authorization": bad} if bad else {})
        assert refused.status_code == 401 and refused.json() == {"message": "Unauthorized"}
    without_key = requests.get(runtime.api_url + "/v1/me", headers={"Authorization": token})
    assert without_key.status_code == 403


def test_proxy_event_carries_path_query_and_multi_value_headers(runtime, channel_session):
    answer = channel_session("web").get("/v1/items/abc%20d?x=1&x=2&y=")
    assert answer.status_code == 200
    body = answer.json()
    assert body["resource"] == "/v1/items/{id}" and body["pathParameters"] == {"id": "abc d"}
    assert body["query"] == {"x": "2", "y": ""}
    assert answer.headers["X-Multi"] == "a, b"
    assert 0 < body["remaining"] <= 10_000

    greedy = requests.get(runtime.api_url + "/v1/anything/deeper")
    assert greedy.json()["pathParameters"] == {"proxy": "anything/deeper"}


def test_required_parameters_are_validated_with_the_templated_gateway_response(runtime, channel_session):
    answer = channel_session("web").get("/v1/items/abc?y=1")
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json() == {"title": "Bad request parameters", "status": 400, "detail": "Missing required request parameters: [x]", "code": "BAD_REQUEST_PARAMETERS"}


def test_mock_integration_answers_cors_preflight(runtime):
    answer = requests.options(runtime.api_url + "/v1/items")
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_docs_and_openapi_are_served_offline(runtime):
    page = requests.get(runtime.api_url + "/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert requests.get(runtime.api_url + "/_local/swagger-ui/swagger-ui-bundle.min.js").status_code == 200
    document = requests.get(runtime.api_url + "/_local/openapi.json").json()
    assert document["servers"][0]["url"] == runtime.api_url


# ---- EventBridge ---------------------------------------------------------------------------------


def test_put_events_reaches_matching_rules_only(runtime, operator_session):
    mark = marker()
    assert operator_session.post("/v1/events", json={"type": "ThingHappened", "marker": mark}).status_code == 202
    runtime.wait_idle()
    delivered = [e for e in seen(runtime, "consumer") if (e.get("detail") or {}).get("marker") == mark]
    assert len(delivered) == 1
    event = delivered[0]
    assert event["detail-type"] == "ThingHappened" and event["source"] == "fixture.app"
    assert event["account"] == "000000000000" and event["region"] == "us-east-1" and event["version"] == "0"
    assert not [e for e in seen(runtime, "other") if e["detail"].get("marker") == mark]

    other = marker()
    operator_session.post("/v1/events", json={"type": "OtherThing", "count": 1, "marker": other})
    operator_session.post("/v1/events", json={"type": "OtherThing", "count": 0, "marker": other})  # numeric filter: no
    runtime.wait_idle()
    assert len([e for e in seen(runtime, "other") if e["detail"].get("marker") == other]) == 1


def test_failing_target_is_retried_then_dead_lettered(runtime, operator_session):
    mark = marker()
    operator_session.post("/v1/events", json={"type": "ThingHappened", "fail": True, "marker": mark})
    runtime.wait_idle()
    attempts = [e for e in seen(runtime, "consumer") if (e.get("detail") or {}).get("marker") == mark]
    assert len(attempts) == 2  # EventInvokeConfig MaximumRetryAttempts: 1
    dead = drain(runtime, "EventDlq", wait=2)
    assert len(dead) == 1
    assert json.loads(dead[0]["Body"])["detail"]["marker"] == mark
    assert dead[0]["MessageAttributes"]["RULE_ARN"]["StringValue"].endswith("rule/fixture-dev-bus/ConsumerRule3C4D5E6F")


def test_schedule_fires_on_demand(runtime):
    answer = requests.post(runtime.api_url + "/_local/schedules/HourlyRule")
    assert answer.status_code == 202 and answer.json() == {"fired": "HourlyRule1E2F3A4B"}
    runtime.wait_idle()
    scheduled = [e for e in seen(runtime, "consumer") if e.get("detail-type") == "Scheduled Event"]
    assert scheduled and scheduled[0]["source"] == "aws.events"
    assert scheduled[0]["resources"] == ["arn:aws:events:us-east-1:000000000000:rule/HourlyRule1E2F3A4B"]


# ---- streams and queues --------------------------------------------------------------------------


def test_table_write_flows_through_the_stream_mapping(runtime, channel_session):
    key = f"s-{marker()}"
    channel_session("web").post("/v1/items", json={"id": key})
    runtime.wait_idle()
    records = [r for r in seen(runtime, "stream") if r["key"].startswith(key + "#")]
    assert len(records) == 1
    record = records[0]
    assert record["eventName"] == "INSERT" and record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == STREAM_ARN and record["awsRegion"] == "us-east-1"
    assert record["dynamodb"]["NewImage"]["pk"] == {"S": key}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], (int, float))


def test_reported_batch_item_failure_is_retried_then_sent_to_the_on_failure_queue(runtime, channel_session):
    good, bad, later = (f"{name}-{marker()}" for name in ("good", "bad", "later"))
    session = channel_session("web")
    session.post("/v1/items", json={"id": good})
    session.post("/v1/items", json={"id": bad, "fail": True})
    runtime.wait_idle()
    stream = seen(runtime, "stream")
    assert len([r for r in stream if r["key"].startswith(good + "#")]) == 1  # before the failure: checkpointed
    assert len([r for r in stream if r["key"].startswith(bad + "#")]) == 3  # 1 + MaximumRetryAttempts 2
    failures = drain(runtime, "FailureQueue", wait=2)
    assert len(failures) == 1
    record = json.loads(failures[0]["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["version"] == "1.0"
    info = record["DDBStreamBatchInfo"]
    assert info["streamArn"] == STREAM_ARN and info["batchSize"] == 1
    assert info["startSequenceNumber"] == info["endSequenceNumber"]

    session.post("/v1/items", json={"id": later})  # the shard moved on
    runtime.wait_idle()
    assert len([r for r in seen(runtime, "stream") if r["key"].startswith(later + "#")]) == 1


def test_queue_mapping_deletes_successes_and_redrives_failures(runtime):
    sqs = runtime.client("sqs")
    url = runtime.queue_url("WorkQueue")
    sqs.send_message(QueueUrl=url, MessageBody="ok")
    sqs.send_message(QueueUrl=url, MessageBody="fail")
    dead = drain(runtime, "WorkDlq", wait=15)  # visibility 1 s, maxReceiveCount 2: moto moves it
    assert [m["Body"] for m in dead] == ["fail"]
    runtime.wait_idle()
    bodies = [r["body"] for r in seen(runtime, "queue")]
    assert bodies.count("ok") == 1 and bodies.count("fail") == 2
    record = next(r for r in seen(runtime, "queue") if r["body"] == "ok")
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"].endswith(":WorkQueue1C2D3E4F")


# ---- functions, tools, provisioning --------------------------------------------------------------


def test_invoke_endpoint_and_cli(runtime, tmp_path, capsys):
    answer = requests.post(runtime.api_url + "/_local/invoke/OtherFunction", json={"id": "manual-1", "detail": {}})
    assert answer.status_code == 200
    assert any(e["key"] == "manual-1" for e in seen(runtime, "other"))

    event = tmp_path / "event.json"
    event.write_text(json.dumps({"id": "manual-2", "detail": {}}))
    assert invoke_cli.main(["Other", str(event), "--state-file", str(runtime.state_file)]) == 0
    assert invoke_cli.main(["Nope", str(event), "--state-file", str(runtime.state_file)]) == 1
    assert "names 0 functions" in capsys.readouterr().out


def test_timeout_kills_the_invocation(runtime):
    """SlowFunction sleeps 60 s with a 1 s timeout. The answer comes after the timeout and long before the
    sleep would end: the bound is relative to the handler, not to the machine's load (a cold start counts)."""
    timeout = runtime.functions.find("SlowFunction").timeout
    started = time.monotonic()
    invocation = runtime.invoke("SlowFunction", {})
    elapsed = time.monotonic() - started
    assert not invocation.ok and invocation.error["errorType"] == "Sandbox.Timedout"
    assert timeout <= elapsed < 30


def test_state_file_and_provisioned_resources(runtime):
    state = json.loads(runtime.state_file.read_text())
    assert state["channel_keys"] == {"web": "fixture-local-channel-web", "orphan": "fixture-local-channel-orphan"}
    assert state["operator"]["access_key"] == "LOCALOPERATORKEY"
    assert state["token_endpoint"] == runtime.api_url + "/_local/tokens"
    assert requests.get(state["api_url"] + "/_local/health").json() == {"ok": True}
    assert runtime.client("ssm").get_parameter(Name="/fixture/greeting")["Parameter"]["Value"] == "hello"
    queues = runtime.client("sqs").list_queues()["QueueUrls"]
    assert not [q for q in queues if "ProdOnly" in q]  # its Condition is false for the dev stage
    assert runtime.client("events").list_archives()["Archives"][0]["ArchiveName"] == "BusArchive8D9E0F1A"
    ttl = runtime.client("dynamodb").describe_time_to_live(TableName="DataTable1A2B3C4D")
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "ttl"
