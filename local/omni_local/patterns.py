"""EventBridge event patterns and target input shaping.

Matching uses moto's matcher, which is moto-internal API: it is wrapped here and nowhere else, so a
moto upgrade touches one function. (Known gap, measured: moto does not match into arrays of objects.)
The same patterns filter Lambda event source mappings (`FilterCriteria`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.events.models import EventPattern


def matches(pattern: dict | str | None, event: dict) -> bool:
    """Does `event` match an EventBridge pattern (dict or JSON)? No pattern matches everything."""
    if not pattern:
        return True
    text = pattern if isinstance(pattern, str) else json.dumps(pattern)
    return EventPattern.load(text).matches_event(event)


def json_path(document: Any, path: str) -> Any:
    """The value at a simple JSONPath (`$`, `$.detail`, `$.detail.items[0].sku`); None if absent."""
    value = document
    for name, index in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", path.strip()[1:]):
        try:
            value = value[int(index)] if index else value[name]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def target_input(target: dict, event: dict) -> Any:
    """What a rule target receives: the event, or its `Input`, `InputPath` or `InputTransformer`."""
    if target.get("Input") is not None:
        return json.loads(target["Input"]) if isinstance(target["Input"], str) else target["Input"]
    if target.get("InputPath"):
        return json_path(event, target["InputPath"])
    transformer = target.get("InputTransformer")
    if transformer:
        return _transform(transformer, event)
    return event


def _transform(transformer: dict, event: dict) -> Any:
    values = {name: json_path(event, path) for name, path in (transformer.get("InputPathsMap") or {}).items()}
    values.update({"aws.events.event": event, "aws.events.rule-arn": "", "aws.events.event.json": event})
    template = transformer.get("InputTemplate", "")

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        inside_quotes = match.start() > 0 and template[match.start() - 1] == '"'
        if isinstance(value, str):
            return value if inside_quotes else json.dumps(value)
        return json.dumps(value)

    text = re.sub(r"<([A-Za-z0-9_.\-]+)>", fill, template)
    try:
        return json.loads(text)
    except ValueError:
        return text  # a plain-text template
