"""EventBridge rules and schedules as the template declares them, plus Lambda's async invoke settings.

`AWS::Events::Rule` (pattern or schedule) and `AWS::Scheduler::Schedule` become `Rule`s with their
targets; `AWS::Lambda::EventInvokeConfig` gives a function's async retry count and on-failure
destination.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from omni_local.physical import bus_name, function_from_arn
from omni_local.resolve import Resolver


@dataclass
class Target:
    id: str
    arn: str
    spec: dict[str, Any]  # the resolved target: Input, InputPath, InputTransformer...
    dead_letter_arn: str | None = None


@dataclass
class Rule:
    logical_id: str
    name: str
    arn: str
    bus: str
    pattern: dict | None
    schedule: str | None
    enabled: bool
    targets: list[Target] = field(default_factory=list)


@dataclass
class AsyncConfig:
    retries: int | None = None
    max_age: float | None = None
    on_failure: str | None = None


def load_rules(resolver: Resolver) -> list[Rule]:
    rules = []
    for resource in resolver.resources("AWS::Events::Rule"):
        props = resolver.props(resource)
        pattern = props.get("EventPattern")
        rules.append(
            Rule(
                logical_id=resource.logical_id,
                name=resolver.name(resource),
                arn=resolver.arn(resource),
                bus=bus_name(props.get("EventBusName")),
                pattern=json.loads(pattern) if isinstance(pattern, str) else pattern,
                schedule=props.get("ScheduleExpression"),
                enabled=props.get("State", "ENABLED") == "ENABLED",
                targets=[_target(t) for t in props.get("Targets") or []],
            )
        )
    for resource in resolver.resources("AWS::Scheduler::Schedule"):
        props = resolver.props(resource)
        rules.append(
            Rule(
                logical_id=resource.logical_id,
                name=resolver.name(resource),
                arn=resolver.arn(resource),
                bus="",
                pattern=None,
                schedule=props.get("ScheduleExpression"),
                enabled=props.get("State", "ENABLED") == "ENABLED",
                targets=[_target({"Id": "Target0", **props["Target"]})] if props.get("Target") else [],
            )
        )
    return rules


def _target(spec: dict) -> Target:
    return Target(id=spec.get("Id", ""), arn=spec["Arn"], spec=spec, dead_letter_arn=(spec.get("DeadLetterConfig") or {}).get("Arn"))


def load_async_configs(resolver: Resolver) -> dict[str, AsyncConfig]:
    """Function name -> its EventInvokeConfig."""
    configs = {}
    for resource in resolver.resources("AWS::Lambda::EventInvokeConfig"):
        props = resolver.props(resource)
        configs[function_from_arn(str(props["FunctionName"]))] = AsyncConfig(
            retries=props.get("MaximumRetryAttempts"),
            max_age=props.get("MaximumEventAgeInSeconds"),
            on_failure=((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"),
        )
    return configs
