"""The event catalog is generated from the models, and a change that would break a consumer of a
published version is refused."""

import copy
import json

import pytest

import events as catalog


@pytest.mark.parametrize("event", catalog.event_classes(), ids=lambda cls: cls.TYPE)
def test_the_committed_schema_matches_the_model(event):
    assert catalog.check(event) == ("same", []), f"run make events ({event.TYPE})"


@pytest.mark.parametrize("event", catalog.event_classes(), ids=lambda cls: cls.TYPE)
def test_every_reference_in_a_schema_resolves(event):
    schema = json.loads(catalog.path_of(event).read_text())

    def refs(node):
        if isinstance(node, dict):
            yield from ([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(schema):
        target = schema
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, f"{event.TYPE}: {ref} points nowhere"
            target = target[part]


def test_compatible_additions_pass_and_breaking_changes_are_caught():
    old = json.loads(catalog.path_of(catalog.event_classes()[0]).read_text())["properties"]["data"]
    added = copy.deepcopy(old)
    added["properties"]["note"] = {"type": "string"}
    assert catalog.breaking_changes(old, added) == []
    removed = copy.deepcopy(old)
    name = old["required"][0]
    removed["properties"].pop(name)
    removed["required"].remove(name)
    assert catalog.breaking_changes(old, removed)
    retyped = copy.deepcopy(old)
    retyped["properties"][name] = {"type": "boolean"}
    assert catalog.breaking_changes(old, retyped)
    required = copy.deepcopy(added)
    required["required"].append("note")
    assert catalog.breaking_changes(old, required)


def test_a_model_change_that_breaks_consumers_is_refused_by_the_generator(monkeypatch):
    from inventory.models.events import StockChanged

    broken = type("StockChanged", (StockChanged,), {"__module__": StockChanged.__module__, "__annotations__": {"available": str}})
    state, problems = catalog.check(broken)
    assert state == "changed" and any("available" in problem for problem in problems)
