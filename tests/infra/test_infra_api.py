"""The REST API matches the OpenAPI document; every route is authenticated; channels have plans."""

from __future__ import annotations

import json

import pytest

from omni_infra.api import OpenApiError, operations

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _resource_paths(synth) -> dict[str, str]:
    resources = synth.resources("AWS::ApiGateway::Resource")

    def path_of(resource_id: str) -> str:
        props = resources[resource_id]["Properties"]
        parent = props["ParentId"]
        prefix = path_of(parent["Ref"]) if "Ref" in parent else ""
        return f"{prefix}/{props['PathPart']}"

    return {resource_id: path_of(resource_id) for resource_id in resources}


def _methods(synth) -> dict[tuple[str, str], dict]:
    paths = _resource_paths(synth)
    methods = {}
    for method in synth.resources("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        resource = props["ResourceId"]
        path = paths[resource["Ref"]] if "Ref" in resource else "/"
        methods[(props["HttpMethod"], path)] = props
    return methods


def _document_operations(document) -> dict[tuple[str, str], dict]:
    return {(method.upper(), path): op for path, item in document["paths"].items() for method, op in item.items() if method in HTTP_METHODS}


def test_routes_equal_the_openapi_operations(dev, openapi_document):
    assert set(_methods(dev)) == set(_document_operations(openapi_document))


def test_each_route_invokes_the_alias_of_the_function_of_its_tag(synth, openapi_document):
    methods = _methods(synth)
    for key, op in _document_operations(openapi_document).items():
        fn_id, _ = synth.function_by_handler(f"{op['tags'][0]}.handlers.api.handler")
        integration = methods[key]["Integration"]
        assert integration["Type"] == "AWS_PROXY", key
        named = [synth.referenced(part) for part in integration["Uri"]["Fn::Join"][1] if "Fn::ImportValue" in part]
        assert named == [synth.alias_of(fn_id)], key  # the alias, from the stateless stack (decision 69)


def test_authorization_follows_the_declared_security(dev, openapi_document):
    methods = _methods(dev)
    (authorizer_id,) = dev.resources("AWS::ApiGateway::Authorizer")
    for key, op in _document_operations(openapi_document).items():
        method = methods[key]
        schemes = set().union(*op["security"])
        if schemes == {"operatorIam"}:
            assert method["AuthorizationType"] == "AWS_IAM", key
        elif schemes == {"channelKey"}:
            assert method["AuthorizationType"] == "NONE" and method["ApiKeyRequired"] is True, key
        elif schemes == {"channelKey", "shopperToken"}:
            assert method["AuthorizationType"] == "COGNITO_USER_POOLS", key
            assert method["AuthorizerId"] == {"Ref": authorizer_id}, key
            assert method["ApiKeyRequired"] is True, key
        elif schemes in WEBHOOK_SCHEMES:
            assert method["AuthorizationType"] == "NONE" and not method.get("ApiKeyRequired"), key
        else:
            pytest.fail(f"{key}: unexpected security {op['security']}")


# Each inbound format's signature: Omni's own, Shopify's, the marketplace format's (channels.logic.formats).
WEBHOOK_SCHEMES = ({"webhookSignature"}, {"shopifyHmac"}, {"marketplaceSignature"}, {"stripeSignature"})


def test_only_webhook_methods_are_open(synth, openapi_document):
    """A method with neither IAM, Cognito nor an API key must be a webhook (the handler verifies the
    sender's signature); anything else open is a mistake."""
    operations = _document_operations(openapi_document)
    open_methods = []
    for key, method in _methods(synth).items():
        auth = method.get("AuthorizationType", "NONE")
        if auth in ("AWS_IAM", "COGNITO_USER_POOLS") or method.get("ApiKeyRequired") is True:
            continue
        assert set().union(*operations[key]["security"]) in WEBHOOK_SCHEMES and len(operations[key]["security"]) == 1, key
        assert key[1].startswith("/v1/webhooks/"), key
        open_methods.append(key)
    assert sorted(open_methods) == [
        ("POST", "/v1/webhooks/payments/{provider}"),
        ("POST", "/v1/webhooks/{channel_id}"),
        ("POST", "/v1/webhooks/{channel_id}/marketplace"),
        ("POST", "/v1/webhooks/{channel_id}/shopify"),
    ]


def test_cognito_authorizer_uses_the_shopper_pool(dev):
    dev.api.has_resource_properties(
        "AWS::ApiGateway::Authorizer",
        {"Type": "COGNITO_USER_POOLS", "IdentitySource": "method.request.header.Authorization"},
    )
    (authorizer,) = dev.resources("AWS::ApiGateway::Authorizer").values()
    (pool_id,) = dev.resources("AWS::Cognito::UserPool", "stateful")
    assert pool_id in json.dumps(authorizer["Properties"]["ProviderARNs"])


def test_methods_validate_requests(dev):
    (validator_id, validator) = next(iter(dev.resources("AWS::ApiGateway::RequestValidator").items()))
    assert validator["Properties"]["ValidateRequestParameters"] is True
    for key, method in _methods(dev).items():
        assert method["RequestValidatorId"] == {"Ref": validator_id}, key
        for part in key[1].split("/"):
            if part.startswith("{"):
                assert method["RequestParameters"][f"method.request.path.{part[1:-1]}"] is True, key


def test_one_invoke_permission_per_api_function_on_its_alias_in_the_api_stack(synth):
    """Beside the API (decision 69): the permission names the API, so in the functions' stack it would make the
    two stacks depend on each other."""
    api_functions = {fn_id for fn_id, fn in synth.functions().items() if fn["Properties"]["Handler"].endswith(".api.handler")}
    everywhere = [p["Properties"] for p in synth.resources("AWS::Lambda::Permission").values() if p["Properties"]["Principal"] == "apigateway.amazonaws.com"]
    permissions = [p["Properties"] for p in synth.resources("AWS::Lambda::Permission", "api").values()]
    assert len(everywhere) == len(permissions) == len(api_functions)
    (rest_api,) = synth.resources("AWS::ApiGateway::RestApi", "api")
    for permission in permissions:
        assert permission["Action"] == "lambda:InvokeFunction" and permission["Principal"] == "apigateway.amazonaws.com"
        assert {"Ref": rest_api} in permission["SourceArn"]["Fn::Join"][1]  # this API only
    targets = [synth.referenced(p["FunctionName"]) for p in permissions]
    for fn_id in api_functions:
        assert targets.count(synth.alias_of(fn_id)) == 1, fn_id


def test_stage_logs_traces_and_throttles(synth):
    stage = synth.stage
    synth.api.has_resource_properties("AWS::ApiGateway::RestApi", {"Name": f"omni-{stage}"})
    (stage_resource,) = synth.resources("AWS::ApiGateway::Stage").values()
    props = stage_resource["Properties"]
    assert props["StageName"] == stage
    assert props["TracingEnabled"] is True
    access = props["AccessLogSetting"]
    json.loads(access["Format"])  # JSON access logs
    refs = [p["Ref"] for p in access["DestinationArn"]["Fn::Join"][1] if isinstance(p, dict) and "Ref" in p]
    (group_id,) = [ref for ref in refs if not ref.startswith("AWS::")]
    assert "KmsKeyId" in synth.api_json["Resources"][group_id]["Properties"]
    (settings,) = props["MethodSettings"]
    assert settings["ThrottlingRateLimit"] > 0 and settings["ThrottlingBurstLimit"] > 0
    assert settings["LoggingLevel"] in ("ERROR", "INFO")
    assert settings.get("DataTraceEnabled") is False


def test_each_channel_has_a_key_and_a_usage_plan(synth):
    config = synth.omni.config
    keys = synth.resources("AWS::ApiGateway::ApiKey")
    plans = synth.resources("AWS::ApiGateway::UsagePlan")
    links = [
        {**p["Properties"], "KeyId": synth.referenced(p["Properties"]["KeyId"]), "UsagePlanId": synth.referenced(p["Properties"]["UsagePlanId"])}
        for p in synth.resources("AWS::ApiGateway::UsagePlanKey").values()
    ]
    key_by_name = {k["Properties"]["Name"]: key_id for key_id, k in keys.items()}
    plan_by_name = {p["Properties"]["UsagePlanName"]: plan_id for plan_id, p in plans.items()}
    assert len(keys) == len(plans) == len(config.channels) == 6
    for channel in config.channels:
        name = f"omni-{config.stage}-channel-{channel.id}"
        key_id, plan_id = key_by_name[name], plan_by_name[name]
        assert "Value" not in keys[key_id]["Properties"], "key values are generated"
        assert {"KeyId": key_id, "KeyType": "API_KEY", "UsagePlanId": plan_id} in links
        plan = plans[plan_id]["Properties"]
        assert plan["Throttle"]["RateLimit"] > 0 and plan["Quota"]["Limit"] > 0
        (api_stage,) = plan["ApiStages"]
        assert "Stage" in api_stage


def test_api_functions_know_the_channels(dev):
    keys = {k["Properties"]["Name"]: key_id for key_id, k in dev.resources("AWS::ApiGateway::ApiKey").items()}
    for handler in ("catalog.handlers.api.handler", "inventory.handlers.api.handler", "profiles.handlers.api.handler", "channels.handlers.api.handler"):
        _, fn = dev.function_by_handler(handler)
        channels = fn["Properties"]["Environment"]["Variables"]["CHANNELS"]
        parts = channels["Fn::Join"][1]
        rendered = "".join(f"@{p['Ref']}@" if isinstance(p, dict) else p for p in parts)
        for channel in dev.omni.config.channels:
            key_id = keys[f"omni-dev-channel-{channel.id}"]
            rendered = rendered.replace(f"@{key_id}@", f"key-{channel.id}")
        assert json.loads(rendered) == {
            f"key-{c.id}": {"id": c.id, "kind": c.kind, "type": c.type, "format": c.format, **({"locations": list(c.locations)} if c.locations else {})} for c in dev.omni.config.channels
        }


def test_5xx_alarm_only_in_prod(dev, prod):
    def alarms(synth):
        alarms = synth.resources("AWS::CloudWatch::Alarm").values()
        return [a for a in alarms if a["Properties"].get("MetricName") == "5XXError"]

    assert not alarms(dev)
    assert len(alarms(prod)) == 1


# --- the OpenAPI reader on its own ---------------------------------------------------------


def _doc(security=None, tags=("catalog",), **extra):
    op = {"tags": list(tags), "operationId": "x"}
    if security is not None:
        op["security"] = security
    return {"paths": {"/v1/things/{thing_id}": {"get": op}}, **extra}


def test_reader_maps_the_four_audiences():
    assert [o.audience for o in operations(_doc([{"operatorIam": []}]))] == ["operator"]
    assert [o.audience for o in operations(_doc([{"channelKey": []}]))] == ["channel"]
    assert [o.audience for o in operations(_doc([{"shopperToken": [], "channelKey": []}]))] == ["shopper"]
    assert [o.audience for o in operations(_doc([{"webhookSignature": []}]))] == ["webhook"]


@pytest.mark.parametrize(
    "document",
    [
        _doc(),  # no security at all
        _doc([]),  # explicitly anonymous
        _doc([{}]),  # anonymous alternative
        _doc([{"channelKey": []}, {"operatorIam": []}]),  # alternatives
        _doc([{"shopperToken": []}]),  # token without channel
        _doc([{"webhookSignature": [], "channelKey": []}]),  # a webhook is signed, not keyed
        _doc([{"channelKey": []}], tags=()),  # no tag
    ],
)
def test_reader_refuses_unsafe_or_unroutable_operations(document):
    with pytest.raises(OpenApiError):
        list(operations(document))


def test_reader_uses_document_level_security_as_default():
    document = _doc()
    document["security"] = [{"operatorIam": []}]
    (op,) = operations(document)
    assert op.audience == "operator"


def test_reader_refuses_conflicting_path_parameters():
    document = {
        "paths": {
            "/v1/things/{id}": {"get": {"tags": ["catalog"], "security": [{"channelKey": []}]}},
            "/v1/things/{thing_id}/parts": {"get": {"tags": ["catalog"], "security": [{"channelKey": []}]}},
        }
    }
    with pytest.raises(OpenApiError, match="thing_id"):
        list(operations(document))


def test_sample_document_is_routable():
    from omni_infra.build import SAMPLE_OPENAPI
    from omni_infra.domains import DOMAINS

    ops = list(operations(json.loads(SAMPLE_OPENAPI.read_text())))
    assert ops
    assert {op.domain for op in ops} <= {services.spec.name for _, services in DOMAINS}


def test_every_answer_api_gateway_gives_itself_is_a_problem_with_its_status(dev):
    """A refusal by API Gateway (no key, a bad SigV4 signature, throttling...) has the Problem shape the
    document promises, `status` included: every response type is configured with its status code."""
    responses = {props["Properties"]["ResponseType"]: props["Properties"] for props in dev.resources("AWS::ApiGateway::GatewayResponse").values()}
    assert {"INVALID_SIGNATURE", "MISSING_AUTHENTICATION_TOKEN", "INVALID_API_KEY", "UNAUTHORIZED", "BAD_REQUEST_PARAMETERS", "THROTTLED", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for kind, props in responses.items():
        status = props["StatusCode"]
        body = props["ResponseTemplates"]["application/json"]
        assert f'"status":{status},' in body, kind
        for field in ('"type":', '"title":', '"detail":', '"code":'):
            assert field in body, (kind, field)
        assert props["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
