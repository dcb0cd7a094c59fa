"""`AWS::Lambda::EventSourceMapping`s as the template declares them, with Lambda's defaults, and the
partial-batch response both pollers understand."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from omni_local.physical import function_from_arn, service_of_arn
from omni_local.resolve import Resolver


@dataclass
class Mapping:
    logical_id: str
    function: str
    source_arn: str  # as the template resolves it: what the function sees as eventSourceARN
    kind: str  # "dynamodb" (a table stream) or "sqs"
    batch_size: int
    window: float  # MaximumBatchingWindowInSeconds
    report_failures: bool  # FunctionResponseTypes: [ReportBatchItemFailures]
    bisect: bool
    max_retries: int  # -1: until the record expires
    max_age: float  # -1: no limit
    on_failure: str | None
    filters: list[dict] = field(default_factory=list)
    enabled: bool = True


def load_mappings(resolver: Resolver) -> list[Mapping]:
    mappings = []
    for resource in resolver.resources("AWS::Lambda::EventSourceMapping"):
        props = resolver.props(resource)
        source = str(props.get("EventSourceArn", ""))
        kind = service_of_arn(source)
        filters = ((props.get("FilterCriteria") or {}).get("Filters")) or []
        mappings.append(
            Mapping(
                logical_id=resource.logical_id,
                function=function_from_arn(str(props["FunctionName"])),
                source_arn=source,
                kind=kind,
                batch_size=int(props.get("BatchSize") or (10 if kind == "sqs" else 100)),
                window=float(props.get("MaximumBatchingWindowInSeconds") or 0),
                report_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                bisect=bool(props.get("BisectBatchOnFunctionError", False)),
                max_retries=int(props.get("MaximumRetryAttempts", -1)),
                max_age=float(props.get("MaximumRecordAgeInSeconds", -1)),
                on_failure=((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"),
                filters=[json.loads(f["Pattern"]) if isinstance(f.get("Pattern"), str) else f.get("Pattern") for f in filters],
                enabled=props.get("Enabled", True) not in (False, "false"),
            )
        )
    return mappings


def failed_items(result: Any, identifiers: list[str]) -> list[str] | None:
    """The identifiers a ReportBatchItemFailures response names, in batch order; [] when all succeeded;
    None when the response is malformed or names an unknown item (then the whole batch failed)."""
    if not isinstance(result, dict) or not result.get("batchItemFailures"):
        return []  # null, {} or an empty list: success
    failures = result["batchItemFailures"]
    if not isinstance(failures, list):
        return None
    named = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in identifiers:
            return None
        named.add(identifier)
    return [identifier for identifier in identifiers if identifier in named]
