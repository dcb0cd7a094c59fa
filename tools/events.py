"""The event catalog: `python tools/events.py [--check]` writes events/schemas/<Type>.v<N>.json from
the pydantic models, and refuses a change that would break a consumer of the committed version.

A consumer of version N relies on every property N requires, with its type. A new release of the
same version may add properties; anything else (removing, retyping, newly requiring) needs VERSION+1,
which writes a new file next to the old one.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "events" / "schemas"
EVENT_MODULES = ("catalog.models.events", "inventory.models.events", "channels.models.events", "profiles.models.events")


def event_classes() -> list[type]:
    sys.path.insert(0, str(ROOT / "functions"))
    from kernel.envelope import DomainEvent

    classes = []
    for name in EVENT_MODULES:
        module = importlib.import_module(name)
        classes += [value for value in vars(module).values() if isinstance(value, type) and issubclass(value, DomainEvent) and value is not DomainEvent and value.__module__ == name]
    return sorted(classes, key=lambda cls: cls.TYPE)


def schema_of(event: type) -> dict:
    """JSON Schema of the EventBridge event's detail: the envelope with this event's data."""
    # The data schema is nested under properties.data, and so are its $defs: point references there.
    data = event.model_json_schema(ref_template="#/properties/data/$defs/{model}")
    source = "omni." + event.__module__.split(".")[0]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://omni.dev/events/{event.TYPE}.v{event.VERSION}.json",
        "title": f"{event.TYPE} v{event.VERSION}",
        "description": (event.__doc__ or "").strip(),
        "x-eventbridge": {"source": source, "detail-type": event.TYPE},
        "type": "object",
        "required": ["id", "type", "version", "source", "time", "data"],
        "properties": {
            "id": {"type": "string"},
            "type": {"const": event.TYPE},
            "version": {"const": event.VERSION},
            "source": {"const": source},
            "time": {"type": "string", "format": "date-time"},
            "correlation_id": {"type": ["string", "null"]},
            "data": data,
        },
    }


def path_of(event: type) -> Path:
    return SCHEMAS / f"{event.TYPE}.v{event.VERSION}.json"


def breaking_changes(old: dict, new: dict, where: str = "data") -> list[str]:
    problems = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in old.get("required", []):
        if name not in new.get("required", []):
            problems.append(f"{where}.{name} is no longer required")
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"{where}.{name} became required")
    for name, old_prop in old_props.items():
        if name not in new_props:
            problems.append(f"{where}.{name} was removed")
        elif _kind(old_prop) != _kind(new_props[name]):
            problems.append(f"{where}.{name} changed type {_kind(old_prop)} -> {_kind(new_props[name])}")
    return problems


def _kind(prop: dict) -> str:
    if "anyOf" in prop:
        return "|".join(sorted(_kind(option) for option in prop["anyOf"]))
    return str(prop.get("type") or prop.get("$ref") or prop.get("const") or prop.get("enum") or "any")


def check(event: type) -> tuple[str, list[str]]:
    """('same' | 'new' | 'changed', breaking problems) for one event class against its committed file."""
    path = path_of(event)
    if not path.exists():
        return "new", []
    committed = json.loads(path.read_text())
    generated = schema_of(event)
    if committed == generated:
        return "same", []
    return "changed", breaking_changes(committed["properties"]["data"], generated["properties"]["data"])


def main(check_only: bool) -> int:
    SCHEMAS.mkdir(parents=True, exist_ok=True)
    status = 0
    for event in event_classes():
        state, problems = check(event)
        if problems:
            print(f"{event.TYPE} v{event.VERSION}: breaking change, bump VERSION: " + "; ".join(problems))
            status = 1
        elif state != "same":
            if check_only:
                print(f"{event.TYPE} v{event.VERSION}: schema is stale: run make events")
                status = 1
            else:
                path_of(event).write_text(json.dumps(schema_of(event), indent=2) + "\n")
                print(f"wrote {path_of(event).relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
