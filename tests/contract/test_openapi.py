"""The committed OpenAPI document is what the code declares, and it is a valid OpenAPI 3.1 document
in which every operation is authenticated and owned by a domain."""

import json

from openapi_spec_validator import validate

import openapi as generator


def test_the_committed_document_matches_the_code():
    assert generator.DOCUMENT.read_text() == generator.render(generator.build()), "docs/openapi.json is stale: run make openapi"


def test_the_document_is_valid_openapi_3_1():
    document = json.loads(generator.DOCUMENT.read_text())
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_operation_is_authenticated_and_tagged_with_its_domain():
    document = json.loads(generator.DOCUMENT.read_text())
    schemes = set(document["components"]["securitySchemes"])
    for path, operations in document["paths"].items():
        assert path.startswith("/v1/")
        for method, operation in operations.items():
            assert operation.get("security"), f"{method.upper()} {path} has no security"
            assert {name for requirement in operation["security"] for name in requirement} <= schemes
            assert operation["tags"][0] in generator.DOMAINS_WITH_API


# ---- the document is a contract a client can be generated from ---------------------------------

DOCUMENT = json.loads(generator.DOCUMENT.read_text())
SCHEMAS = DOCUMENT["components"]["schemas"]
OPERATIONS = [(f"{method.upper()} {path}", operation) for path, item in DOCUMENT["paths"].items() for method, operation in item.items()]


def _resolve(schema: dict) -> dict:
    return SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema


def _unbounded(schema: dict, where: str, seen: frozenset = frozenset()) -> list[str]:
    """Every place in a request schema where a value has no upper bound (a string without maxLength,
    enum or format, a list without maxItems, a map without maxProperties, a number without both bounds)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else _unbounded(SCHEMAS[name], where, seen | {name})
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for index, option in enumerate(schema.get(key, [])):
            found += _unbounded(option, f"{where}|{index}", seen)
    kind = schema.get("type")
    if kind == "string" and not ({"maxLength", "enum", "const"} & set(schema) or schema.get("format") == "date"):
        found.append(where)
    if kind == "array":
        found += [where] if "maxItems" not in schema else []
        found += _unbounded(schema.get("items", {}), f"{where}[]", seen)
    if kind == "object":
        values = [schema["additionalProperties"]] if isinstance(schema.get("additionalProperties"), dict) else list(schema.get("patternProperties", {}).values())
        extra = schema.get("additionalProperties", False if values else True)
        if values:  # a map
            found += [where] if "maxProperties" not in schema else []
            for value in values:
                found += _unbounded(value, f"{where}{{}}", seen)
            found += _unbounded(schema.get("propertyNames", {"maxLength": 0, "type": "string"}), f"{where}{{key}}", seen)
        elif extra is not False:
            found.append(where)
        for name, field in schema.get("properties", {}).items():
            found += _unbounded(field, f"{where}.{name}", seen)
    if kind in ("integer", "number") and not ({"maximum", "exclusiveMaximum"} & set(schema) and {"minimum", "exclusiveMinimum"} & set(schema)):
        found.append(where)
    return found


def _request_schemas(operation: dict):
    for parameter in operation.get("parameters", []):
        yield f"{parameter['in']}.{parameter['name']}", parameter["schema"]
    for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
        yield f"body({media_type})", content["schema"]


def test_every_field_of_every_request_has_a_bound():
    """No request can grow a DynamoDB item past 400 KB or carry a number it cannot store: every string,
    list, map and number a client may send is bounded (kernel.types holds the shared bounded types)."""
    unbounded = [f"{name}: {where}" for name, operation in OPERATIONS for place, schema in _request_schemas(operation) for where in _unbounded(schema, place)]
    assert unbounded == []


def test_every_operation_documents_one_success_with_its_schema():
    for name, operation in OPERATIONS:
        successes = {status: answer for status, answer in operation["responses"].items() if status.startswith("2")}
        assert len(successes) == 1, f"{name}: {sorted(successes)}"
        (answer,) = successes.values()
        schema = answer["content"]["application/json"]["schema"]
        assert schema.get("$ref") or schema.get("type") == "array" and schema["items"].get("$ref"), f"{name}: no typed result"


def test_errors_are_problems_and_each_route_lists_the_ones_its_shape_can_answer():
    for name, operation in OPERATIONS:
        errors = {int(status): answer for status, answer in operation["responses"].items() if not status.startswith("2")}
        for status, answer in errors.items():
            assert answer["content"] == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}, f"{name} {status}"
        schemes = {scheme for requirement in operation["security"] for scheme in requirement}
        parameters = operation.get("parameters", [])
        assert (401 in errors) == bool(schemes & {"shopperToken", "webhookSignature", "shopifyHmac", "marketplaceSignature", "stripeSignature"}), name
        assert (403 in errors) == bool(schemes & {"operatorIam", "channelKey"}) or "webhooks" in name, name
        assert (415 in errors) == ("requestBody" in operation), name
        assert (422 in errors) == bool(parameters or "requestBody" in operation), name
        assert (400 in errors) == any(p["in"] in ("query", "header") and p.get("required") for p in parameters), name
        assert 429 in errors and 500 not in errors, name


def test_problem_requires_what_every_error_body_carries():
    assert set(SCHEMAS["Problem"]["required"]) == {"type", "title", "status", "detail", "code"}


def test_operator_routes_declare_sigv4_as_api_gateway_does():
    scheme = DOCUMENT["components"]["securitySchemes"]["operatorIam"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization", "x-amazon-apigateway-authtype": "awsSigv4"}


def test_the_schema_states_the_rules_the_code_checks():
    assert SCHEMAS["ReserveIn"]["properties"]["hold"]["enum"] == ["soft", "hard"]
    adjustment = SCHEMAS["AdjustmentIn"]
    assert adjustment["then"]["required"] == ["count_version"] and adjustment["else"]["properties"]["quantity"]["minimum"] == 1
    webhook = DOCUMENT["paths"]["/v1/webhooks/{channel_id}"]["post"]
    assert {p["name"] for p in webhook["parameters"] if p["in"] == "header"} == {"Omni-Webhook-Id", "Omni-Webhook-Timestamp"}
    assert webhook["requestBody"]["content"]["application/json"]["schema"]["discriminator"]["propertyName"] == "type"


def test_the_document_is_generated_deterministically():
    assert generator.render(generator.build()) == generator.render(generator.build())
