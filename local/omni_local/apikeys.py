"""API keys and usage plans: which key values may call which API stage.

Locally a key's value is its `Value` property when the template sets one, else a demo value derived
from its `Name` (the rule, documented in the banner and the state file):

    the second dash-separated word of the name (the stage) becomes "local":
        omni-dev-channel-web  ->  omni-local-channel-web
    a name of one or two words gets "local-" in front; a key without a name: "local-<logical id>".

Its id (what `Ref` of the key and `requestContext.identity.apiKeyId` say) comes from the resolver,
so a function's CHANNELS variable, built from `Ref`s of the keys, names the same ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from omni_local.resolve import Resolver


@dataclass
class ApiKey:
    logical_id: str
    id: str
    name: str
    value: str
    enabled: bool
    stages: set[tuple[str, str]] = field(default_factory=set)  # (rest api id, stage) its usage plans cover


def local_key_value(name: str | None, logical_id: str) -> str:
    if not name:
        return f"local-{logical_id.lower()}"
    words = name.split("-")
    if len(words) < 3:
        return f"local-{name}"
    return "-".join([words[0], "local", *words[2:]])


def load_api_keys(resolver: Resolver) -> list[ApiKey]:
    keys = {}
    for resource in resolver.resources("AWS::ApiGateway::ApiKey"):
        props = resolver.props(resource)
        key_id = resolver.ref(resource.stack, resource.logical_id)
        keys[key_id] = ApiKey(
            logical_id=resource.logical_id,
            id=key_id,
            name=props.get("Name") or resource.logical_id,
            value=props.get("Value") or local_key_value(props.get("Name"), resource.logical_id),
            enabled=props.get("Enabled", False) in (True, "true"),  # CloudFormation's default is disabled
        )
    plans = {}
    for resource in resolver.resources("AWS::ApiGateway::UsagePlan"):
        props = resolver.props(resource)
        plans[resolver.ref(resource.stack, resource.logical_id)] = {(str(stage.get("ApiId")), str(stage.get("Stage"))) for stage in props.get("ApiStages") or []}
    for resource in resolver.resources("AWS::ApiGateway::UsagePlanKey"):
        props = resolver.props(resource)
        key = keys.get(str(props.get("KeyId")))
        if key is not None:
            key.stages |= plans.get(str(props.get("UsagePlanId")), set())
    return list(keys.values())


class KeyRing:
    def __init__(self, keys: list[ApiKey]):
        self.keys = keys
        self._by_value = {key.value: key for key in keys}

    def allowed(self, value: str | None, api_id: str, stage: str) -> ApiKey | None:
        """The key, if this value is an enabled key in a usage plan covering this API stage."""
        key = self._by_value.get(value or "")
        if key and key.enabled and (api_id, stage) in key.stages:
            return key
        return None
