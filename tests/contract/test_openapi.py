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
