"""Resolve CloudFormation intrinsic functions to local values.

Covers what CDK emits: Ref (resources, parameters, pseudo parameters), Fn::GetAtt, Fn::Join, Fn::Sub,
Fn::Select, Fn::Split, Fn::If with Conditions, Fn::ImportValue (through the exporting stack's
Outputs), Fn::FindInMap, Fn::Base64, Fn::GetAZs, Fn::ToJsonString, Fn::Length. What a Ref or GetAtt
of a resource means locally is decided by `physical.Naming`.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from omni_local import physical
from omni_local.template import Assembly, Resource

NO_VALUE = object()  # AWS::NoValue: the key or list item disappears
_SUB = re.compile(r"\$\{([^}]+)\}")


class ResolveError(ValueError):
    pass


class Resolver:
    def __init__(self, assembly: Assembly, naming: physical.Naming | None = None, parameters: dict | None = None):
        self.assembly = assembly
        self.naming = naming or physical.Naming()
        self.parameters = parameters or {}
        self._exports: dict[str, tuple[str, Any]] | None = None
        self._props: dict[tuple[str, str], dict] = {}

    # ---- public ---------------------------------------------------------------------------------

    def resolve(self, value: Any, stack: str) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, argument),) = value.items()
                if key == "Ref":
                    return self.ref(stack, argument)
                if key in _FUNCTIONS:
                    return _FUNCTIONS[key](self, argument, stack)
            resolved = {key: self.resolve(item, stack) for key, item in value.items()}
            return {key: item for key, item in resolved.items() if item is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in (self.resolve(x, stack) for x in value) if item is not NO_VALUE]
        return value

    def props(self, resource: Resource) -> dict[str, Any]:
        """The resource's properties, resolved (cached)."""
        key = (resource.stack, resource.logical_id)
        if key not in self._props:
            self._props[key] = self.resolve(resource.properties, resource.stack)
        return self._props[key]

    def active(self, resource: Resource) -> bool:
        return resource.condition is None or self.condition(resource.stack, resource.condition)

    def resources(self, *types: str) -> list[Resource]:
        """Resources of these types whose condition holds."""
        return [r for r in self.assembly.resources(*types) if self.active(r)]

    def ref(self, stack: str, name: str) -> Any:
        pseudo = _pseudo(name, stack)
        if pseudo is not None:
            return pseudo
        parameters = self.assembly.stacks[stack].template.get("Parameters") or {}
        if name in parameters:
            return self._parameter(name, parameters[name])
        resource = self._resource(stack, name)
        return self.naming.ref(resource, self._prop_reader(resource))

    def get_att(self, stack: str, logical_id: str, attribute: str) -> Any:
        resource = self._resource(stack, logical_id)
        return self.naming.att(resource, attribute, self._prop_reader(resource))

    def arn(self, resource: Resource) -> str:
        return self.naming.arn_of(resource, self._prop_reader(resource))

    def name(self, resource: Resource) -> str:
        return self.naming.name(resource, self._prop_reader(resource))

    def condition(self, stack: str, name: str) -> bool:
        conditions = self.assembly.stacks[stack].template.get("Conditions") or {}
        if name not in conditions:
            raise ResolveError(f"unknown condition {name} in {stack}")
        return bool(self._condition_value(conditions[name], stack))

    def import_value(self, export_name: str) -> Any:
        if self._exports is None:
            self._exports = {}
            for stack in self.assembly.stacks.values():
                for output in (stack.template.get("Outputs") or {}).values():
                    export = (output.get("Export") or {}).get("Name")
                    if export is not None:
                        self._exports[str(self.resolve(export, stack.name))] = (stack.name, output.get("Value"))
        if export_name not in self._exports:
            raise ResolveError(f"no stack exports {export_name!r}")
        stack, value = self._exports[export_name]
        return self.resolve(value, stack)

    # ---- internals ------------------------------------------------------------------------------

    def _resource(self, stack: str, logical_id: str) -> Resource:
        resource = self.assembly.find(logical_id, stack)
        if resource is None:
            raise ResolveError(f"no resource {logical_id!r} (from stack {stack})")
        return resource

    def _prop_reader(self, resource: Resource):
        # Naming reads single properties lazily: resolving all of them could recurse back here
        # (a function's environment referring to its own ARN, for instance).
        def prop(name: str) -> Any:
            raw = resource.properties.get(name)
            return None if raw is None else self.resolve(raw, resource.stack)

        return prop

    def _parameter(self, name: str, spec: dict) -> Any:
        value = self.parameters.get(name, spec.get("Default", ""))
        if str(spec.get("Type", "")).startswith("List<") or spec.get("Type") == "CommaDelimitedList":
            return value if isinstance(value, list) else [v for v in str(value).split(",") if v]
        return value

    def _condition_value(self, value: Any, stack: str) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Condition":
                return self.condition(stack, argument)
            if key == "Fn::Equals":
                left, right = (self._condition_value(a, stack) for a in argument)
                return str(left) == str(right) if not isinstance(left, (list, dict)) else left == right
            if key == "Fn::Not":
                return not self._condition_value(argument[0], stack)
            if key == "Fn::And":
                return all(self._condition_value(a, stack) for a in argument)
            if key == "Fn::Or":
                return any(self._condition_value(a, stack) for a in argument)
        return self.resolve(value, stack)


def _pseudo(name: str, stack: str) -> Any:
    return {
        "AWS::Region": physical.REGION,
        "AWS::AccountId": physical.ACCOUNT,
        "AWS::Partition": physical.PARTITION,
        "AWS::URLSuffix": physical.URL_SUFFIX,
        "AWS::StackName": stack,
        "AWS::StackId": physical.arn("cloudformation", f"stack/{stack}/{physical.stable_id(stack, 12)}"),
        "AWS::NotificationARNs": [],
        "AWS::NoValue": NO_VALUE,
    }.get(name)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _get_att(r: Resolver, argument: Any, stack: str) -> Any:
    if isinstance(argument, str):
        logical_id, attribute = argument.split(".", 1)
    else:
        logical_id, attribute = argument[0], r.resolve(argument[1], stack)
    return r.get_att(stack, logical_id, attribute)


def _join(r: Resolver, argument: Any, stack: str) -> str:
    delimiter, items = argument
    items = r.resolve(items, stack)
    return delimiter.join(_text(item) for item in items)


def _sub(r: Resolver, argument: Any, stack: str) -> str:
    text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            return _text(r.resolve(variables[name], stack))
        if "." in name and _pseudo(name, stack) is None:
            logical_id, attribute = name.split(".", 1)
            return _text(r.get_att(stack, logical_id, attribute))
        return _text(r.ref(stack, name))

    return _SUB.sub(replace, text)


def _select(r: Resolver, argument: Any, stack: str) -> Any:
    index, items = r.resolve(argument[0], stack), r.resolve(argument[1], stack)
    return items[int(index)]


def _split(r: Resolver, argument: Any, stack: str) -> list[str]:
    delimiter, text = argument[0], r.resolve(argument[1], stack)
    return str(text).split(delimiter)


def _if(r: Resolver, argument: Any, stack: str) -> Any:
    name, when_true, when_false = argument
    return r.resolve(when_true if r.condition(stack, name) else when_false, stack)


def _find_in_map(r: Resolver, argument: Any, stack: str) -> Any:
    name, first, second = (r.resolve(a, stack) for a in argument[:3])
    return r.assembly.stacks[stack].template["Mappings"][name][first][second]


_FUNCTIONS = {
    "Fn::GetAtt": _get_att,
    "Fn::Join": _join,
    "Fn::Sub": _sub,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::If": _if,
    "Fn::ImportValue": lambda r, a, s: r.import_value(_text(r.resolve(a, s))),
    "Fn::FindInMap": _find_in_map,
    "Fn::Base64": lambda r, a, s: base64.b64encode(_text(r.resolve(a, s)).encode()).decode(),
    "Fn::GetAZs": lambda r, a, s: [f"{physical.REGION}{zone}" for zone in "abc"],
    "Fn::ToJsonString": lambda r, a, s: json.dumps(r.resolve(a, s), separators=(",", ":")),
    "Fn::Length": lambda r, a, s: len(r.resolve(a, s)),
}
