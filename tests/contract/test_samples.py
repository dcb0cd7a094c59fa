"""events/samples holds a real payload for every function's trigger, and each one is well formed."""

import json
from pathlib import Path

import jsonschema
import pytest

import events as catalog
from kernel.outbox import change_of

SAMPLES = Path(catalog.ROOT) / "events" / "samples"
OPENAPI = json.loads((Path(catalog.ROOT) / "docs" / "openapi.json").read_text())


def all_samples():
    return sorted(SAMPLES.glob("*/*.json"))


def test_every_function_in_the_stack_has_a_sample(cdk_out):
    functions = set()
    for template in cdk_out.glob("*.template.json"):
        for logical_id, resource in json.loads(template.read_text())["Resources"].items():
            if resource["Type"] == "AWS::Lambda::Function" and "Handler" in resource["Properties"]:
                functions.add(logical_id)
    folders = {folder.name for folder in SAMPLES.iterdir()}
    missing = [logical_id for logical_id in functions if not any(logical_id.startswith(folder) for folder in folders)]
    assert not missing, f"functions without a sample: {missing}"


@pytest.mark.parametrize("path", all_samples(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_sample_is_a_valid_event_of_its_trigger(path):
    event = json.loads(path.read_text())
    if "httpMethod" in event:
        operations = OPENAPI["paths"][event["resource"]]
        assert event["httpMethod"].lower() in operations
    elif "Records" in event and event["Records"][0]["eventSource"] == "aws:sqs":
        for record in event["Records"]:
            assert json.loads(record["body"]) and record["eventSourceARN"].startswith("arn:aws:sqs:")
    elif "Records" in event:
        for record in event["Records"]:
            assert change_of(record).new
    elif event.get("detail-type") == "Scheduled Event":
        assert event["source"] == "aws.events"
    else:
        schema_file = catalog.SCHEMAS / f"{event['detail-type']}.v{event['detail']['version']}.json"
        assert schema_file.exists(), f"{event['detail-type']} v{event['detail']['version']} is published by no domain (events/schemas)"
        jsonschema.validate(event["detail"], json.loads(schema_file.read_text()))
