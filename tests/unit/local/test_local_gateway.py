"""API Gateway pieces: the route table from the template, matching, keys, proxy events, responses."""

from pathlib import Path

import pytest

from omni_local import physical
from omni_local.apikeys import KeyRing, load_api_keys, local_key_value
from omni_local.proxy_event import HttpRequest, MalformedResponse, http_response, proxy_event
from omni_local.resolve import Resolver
from omni_local.routes import Router, load_apis, match_path
from omni_local.template import Assembly

FIXTURE = Path(__file__).parent / "fixtures" / "cdkout"


@pytest.fixture(scope="module")
def resolver():
    return Resolver(Assembly.load(FIXTURE), physical.Naming("http://127.0.0.1:5000"))


def test_paths_are_rebuilt_from_the_resource_tree(resolver):
    (api,) = load_apis(resolver)
    assert api.stage == "dev" and api.id == resolver.ref("FixtureStateless", "FixtureApiC0FFEE00")
    routes = {(m.http_method, m.path): m for m in api.methods}
    assert set(routes) == {("POST", "/v1/items"), ("OPTIONS", "/v1/items"), ("GET", "/v1/items/{id}"), ("GET", "/v1/operator"), ("GET", "/v1/me"), ("POST", "/v1/events"), ("ANY", "/v1/{proxy+}")}
    assert routes["POST", "/v1/items"].api_key_required and routes["POST", "/v1/items"].function == "ApiFunctionAAAA1111"
    assert routes["GET", "/v1/operator"].auth_type == "AWS_IAM"
    me = routes["GET", "/v1/me"]
    assert me.auth_type == "COGNITO_USER_POOLS" and me.authorizer.pool_ids == [resolver.ref("FixtureStateful", "ShopperPool2B3C4D5E")]
    assert routes["GET", "/v1/items/{id}"].required == [("querystring", "x")]
    assert routes["OPTIONS", "/v1/items"].function is None


def test_matching_prefers_literals_then_params_then_greedy_and_never_falls_back_across_resources(resolver):
    router = Router(load_apis(resolver))
    api, method, params = router.match("GET", "/v1/items/42")
    assert method.path == "/v1/items/{id}" and params == {"id": "42"}
    assert router.match("POST", "/v1/items")[1].path == "/v1/items"
    assert router.match("GET", "/v1/other/deep/path")[2] == {"proxy": "other/deep/path"}
    assert router.match("DELETE", "/v1/items") is None  # the resource exists, without DELETE: 403 in API Gateway
    assert router.match("GET", "/elsewhere") is None
    assert match_path("/", "/") == ((), {})
    assert match_path("/v1/{proxy+}", "/v1") is None


def test_local_key_values_follow_the_documented_rule():
    assert local_key_value("omni-dev-channel-web", "X") == "omni-local-channel-web"
    assert local_key_value("omni-prod-channel-marketplace", "X") == "omni-local-channel-marketplace"
    assert local_key_value("web", "X") == "local-web"
    assert local_key_value(None, "WebKey1234") == "local-webkey1234"


def test_keys_are_allowed_only_on_the_stages_their_usage_plans_cover(resolver):
    keys = load_api_keys(resolver)
    ring = KeyRing(keys)
    (api,) = load_apis(resolver)
    web = ring.allowed("fixture-local-channel-web", api.id, "dev")
    assert web is not None and web.id == resolver.ref("FixtureStateless", "WebKeyA1B2C3D4")
    assert ring.allowed("fixture-local-channel-web", api.id, "prod") is None
    assert ring.allowed("fixture-local-channel-orphan", api.id, "dev") is None  # in no usage plan
    assert ring.allowed(None, api.id, "dev") is None


def request(**overrides) -> HttpRequest:
    values = dict(
        method="GET",
        path="/v1/items/a b",
        query="x=1&x=2&y=",
        body=b"",
        headers=[("Host", "127.0.0.1:4000"), ("X-Thing", "1"), ("X-Thing", "2"), ("User-Agent", "t")],
        source_ip="127.0.0.1",
        host="127.0.0.1:4000",
    )
    values.update(overrides)
    return HttpRequest(**values)


def test_proxy_event_has_the_rest_api_shape():
    event = proxy_event(
        request(),
        resource="/v1/items/{id}",
        resource_id="abc",
        path_parameters={"id": "a b"},
        stage="dev",
        api_id="api1",
        identity={"apiKeyId": "k1", "apiKey": "v"},
        authorizer={"claims": {"sub": "s"}},
        binary_types=[],
    )
    assert event["resource"] == "/v1/items/{id}" and event["path"] == "/v1/items/a b" and event["httpMethod"] == "GET"
    assert event["headers"]["X-Thing"] == "2" and event["multiValueHeaders"]["X-Thing"] == ["1", "2"]
    assert event["queryStringParameters"] == {"x": "2", "y": ""}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "y": [""]}
    assert event["pathParameters"] == {"id": "a b"} and event["stageVariables"] is None
    context = event["requestContext"]
    assert context["resourcePath"] == "/v1/items/{id}" and context["stage"] == "dev" and context["apiId"] == "api1"
    assert context["path"] == "/dev/v1/items/a b" and context["accountId"] == "000000000000"
    assert context["identity"]["apiKeyId"] == "k1" and context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userArn"] is None and context["authorizer"] == {"claims": {"sub": "s"}}
    assert event["body"] is None and event["isBase64Encoded"] is False


def test_binary_bodies_are_base64_encoded():
    event = proxy_event(
        request(method="POST", body=b"\x00\x01", headers=[("Content-Type", "image/png")]),
        resource="/",
        resource_id="r",
        path_parameters={},
        stage="dev",
        api_id="a",
        identity={},
        authorizer=None,
        binary_types=["image/*"],
    )
    assert event["isBase64Encoded"] is True and event["body"] == "AAE="


def test_http_response_merges_headers_and_rejects_malformed_answers():
    status, headers, body = http_response({"statusCode": 201, "headers": {"A": "1", "B": "x"}, "multiValueHeaders": {"B": ["2", "3"]}, "body": "{}"})
    assert status == 201 and body == b"{}"
    assert headers == [("A", "1"), ("B", "2"), ("B", "3"), ("Content-Type", "application/json")]
    assert http_response({"statusCode": 200, "body": "AAE=", "isBase64Encoded": True})[2] == b"\x00\x01"
    for bad in (None, "text", {"body": "x"}, {"statusCode": "abc"}, {"statusCode": 200, "body": {"a": 1}}):
        with pytest.raises(MalformedResponse):
            http_response(bad)


def test_chunked_bodies_are_read_whole():
    import io

    from omni_local.apigateway import _read_body

    stream = io.BytesIO(b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT")
    assert _read_body({"Transfer-Encoding": "chunked"}, stream) == b"Wikipedia"
    assert stream.read() == b"NEXT"
    assert _read_body({"Content-Length": "3"}, io.BytesIO(b"abcdef")) == b"abc"
    assert _read_body({}, io.BytesIO(b"abc")) == b""
