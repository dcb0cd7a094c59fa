"""What each function's role lets it put on EventBridge, read from the template: the `events:source`
values its PutEvents grants are conditioned on. The local EventBridge endpoint refuses an entry IAM
would refuse, so a function that forges another domain's events fails locally as in AWS.

Each function calls the local services with its own access key id, `localfn<logical id>` (no secret is
checked; DynamoDB Local accepts only letters and digits in a key id), which is how the endpoint knows
who calls."""

from __future__ import annotations

from omni_local.resolve import Resolver

KEY_PREFIX = "localfn"
ANY_SOURCE = None  # a PutEvents grant without an events:source condition


def access_key_of(function_logical_id: str) -> str:
    return KEY_PREFIX + function_logical_id


def put_event_sources(resolver: Resolver) -> dict[str, frozenset[str] | None]:
    """Function logical id -> the sources it may put (ANY_SOURCE: any); absent: no PutEvents grant at all."""
    functions_of_role: dict[str, list[str]] = {}
    for function in resolver.resources("AWS::Lambda::Function"):
        role = function.properties.get("Role")
        if isinstance(role, dict) and "Fn::GetAtt" in role:
            functions_of_role.setdefault(role["Fn::GetAtt"][0], []).append(function.logical_id)
    allowed: dict[str, frozenset[str] | None] = {}
    for policy in resolver.resources("AWS::IAM::Policy"):
        roles = [ref["Ref"] for ref in policy.properties.get("Roles", []) if isinstance(ref, dict) and "Ref" in ref]
        for statement in policy.properties.get("PolicyDocument", {}).get("Statement", []):
            actions = statement.get("Action")
            actions = [actions] if isinstance(actions, str) else actions or []
            if statement.get("Effect") != "Allow" or "events:PutEvents" not in actions:
                continue
            sources = ((statement.get("Condition") or {}).get("StringEquals") or {}).get("events:source")
            granted = ANY_SOURCE if sources is None else frozenset([sources] if isinstance(sources, str) else sources)
            for function in (f for role in roles for f in functions_of_role.get(role, [])):
                before = allowed.get(function, frozenset())
                allowed[function] = ANY_SOURCE if ANY_SOURCE in (before, granted) else before | granted
    return allowed


def refused_sources(access_key: str, sources: list[str], allowed: dict[str, frozenset[str] | None]) -> list[str]:
    """The sources a caller with this access key may not put ([] for callers that are no function)."""
    if not access_key.startswith(KEY_PREFIX):
        return []
    function = access_key[len(KEY_PREFIX) :]
    if function not in allowed:
        return sorted(set(sources))
    granted = allowed[function]
    return [] if granted is ANY_SOURCE else sorted(set(sources) - granted)
