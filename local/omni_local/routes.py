"""The REST APIs of the template: every `AWS::ApiGateway::Method`, its full path rebuilt from the
`AWS::ApiGateway::Resource` tree, its authorization and integration, and API Gateway's route matching
(a literal segment beats a `{param}`, which beats a greedy `{proxy+}`; a method beats ANY)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omni_local.physical import function_from_arn
from omni_local.resolve import Resolver


@dataclass
class Authorizer:
    id: str
    type: str  # COGNITO_USER_POOLS | TOKEN | REQUEST
    pool_ids: list[str]
    function: str | None = None


@dataclass
class Method:
    logical_id: str
    path: str  # the resource path, e.g. /v1/items/{id}
    http_method: str  # GET ... or ANY
    auth_type: str  # NONE | AWS_IAM | COGNITO_USER_POOLS | CUSTOM
    api_key_required: bool
    integration: dict[str, Any]
    resource_id: str
    authorizer: Authorizer | None = None
    scopes: list[str] = field(default_factory=list)
    required: list[tuple[str, str]] = field(default_factory=list)  # (querystring|header, name) its validator checks

    @property
    def function(self) -> str | None:
        """The Lambda function of an AWS_PROXY integration (its URI embeds the function ARN)."""
        if self.integration.get("Type") in ("AWS_PROXY", "AWS") and ":function:" in str(self.integration.get("Uri", "")):
            return function_from_arn(str(self.integration["Uri"]))
        return None


@dataclass
class Api:
    logical_id: str
    id: str
    name: str
    stage: str
    methods: list[Method]
    binary_media_types: list[str]
    gateway_responses: dict[str, dict]  # ResponseType -> {"status", "headers", "templates"}


def load_apis(resolver: Resolver) -> list[Api]:
    apis = []
    for api in resolver.resources("AWS::ApiGateway::RestApi"):
        api_id = resolver.ref(api.stack, api.logical_id)
        props = resolver.props(api)
        paths = _paths(resolver, api_id, resolver.get_att(api.stack, api.logical_id, "RootResourceId"))
        authorizers = _authorizers(resolver, api_id)
        validators = _parameter_validators(resolver, api_id)
        methods = []
        for resource in resolver.resources("AWS::ApiGateway::Method"):
            m = resolver.props(resource)
            if str(m.get("RestApiId")) != api_id or str(m.get("ResourceId")) not in paths:
                continue
            methods.append(
                Method(
                    logical_id=resource.logical_id,
                    path=paths[str(m["ResourceId"])],
                    http_method=str(m.get("HttpMethod", "ANY")).upper(),
                    auth_type=str(m.get("AuthorizationType", "NONE")).upper(),
                    api_key_required=m.get("ApiKeyRequired") in (True, "true"),
                    integration=m.get("Integration") or {},
                    resource_id=str(m["ResourceId"]),
                    authorizer=authorizers.get(str(m.get("AuthorizerId"))),
                    scopes=list(m.get("AuthorizationScopes") or []),
                    required=_required(m) if str(m.get("RequestValidatorId")) in validators else [],
                )
            )
        apis.append(Api(api.logical_id, api_id, props.get("Name", api.logical_id), _stage(resolver, api_id), methods, list(props.get("BinaryMediaTypes") or []), _gateway_responses(resolver, api_id)))
    return apis


def _paths(resolver: Resolver, api_id: str, root_id: str) -> dict[str, str]:
    """Resource id -> full path, for the root and every resource of this API."""
    nodes = {}
    for resource in resolver.resources("AWS::ApiGateway::Resource"):
        props = resolver.props(resource)
        if str(props.get("RestApiId")) == api_id:
            nodes[resolver.ref(resource.stack, resource.logical_id)] = (str(props["ParentId"]), props["PathPart"])
    paths = {root_id: "/"}

    def path_of(node: str, seen: tuple = ()) -> str | None:
        if node in paths:
            return paths[node]
        if node not in nodes or node in seen:
            return None
        parent, part = nodes[node]
        base = path_of(parent, seen + (node,))
        if base is None:
            return None
        paths[node] = base.rstrip("/") + "/" + part
        return paths[node]

    for node in nodes:
        path_of(node)
    return paths


def _authorizers(resolver: Resolver, api_id: str) -> dict[str, Authorizer]:
    found = {}
    for resource in resolver.resources("AWS::ApiGateway::Authorizer"):
        props = resolver.props(resource)
        if str(props.get("RestApiId")) != api_id:
            continue
        pools = [str(arn).rsplit("/", 1)[-1] for arn in props.get("ProviderARNs") or []]
        uri = str(props.get("AuthorizerUri", ""))
        found[resolver.ref(resource.stack, resource.logical_id)] = Authorizer(
            id=resolver.ref(resource.stack, resource.logical_id), type=str(props.get("Type", "")), pool_ids=pools, function=function_from_arn(uri) if ":function:" in uri else None
        )
    return found


def _parameter_validators(resolver: Resolver, api_id: str) -> set[str]:
    """Ids of this API's request validators that check request parameters."""
    found = set()
    for resource in resolver.resources("AWS::ApiGateway::RequestValidator"):
        props = resolver.props(resource)
        if str(props.get("RestApiId")) == api_id and props.get("ValidateRequestParameters") in (True, "true"):
            found.add(resolver.ref(resource.stack, resource.logical_id))
    return found


def _required(method_props: dict) -> list[tuple[str, str]]:
    required = []
    for name, needed in (method_props.get("RequestParameters") or {}).items():
        parts = name.split(".", 3)  # method.request.querystring.sku
        if needed in (True, "true") and len(parts) == 4 and parts[2] in ("querystring", "header"):
            required.append((parts[2], parts[3]))
    return required


def _stage(resolver: Resolver, api_id: str) -> str:
    for resource in resolver.resources("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"):
        props = resolver.props(resource)
        if str(props.get("RestApiId")) == api_id and props.get("StageName"):
            return str(props["StageName"])
    return "local"


def _gateway_responses(resolver: Resolver, api_id: str) -> dict[str, dict]:
    found = {}
    for resource in resolver.resources("AWS::ApiGateway::GatewayResponse"):
        props = resolver.props(resource)
        if str(props.get("RestApiId")) != api_id:
            continue
        headers = {name.split("gatewayresponse.header.", 1)[1]: str(value).strip("'") for name, value in (props.get("ResponseParameters") or {}).items() if name.startswith("gatewayresponse.header.")}
        found[props["ResponseType"]] = {"status": props.get("StatusCode"), "headers": headers, "templates": props.get("ResponseTemplates") or {}}
    return found


# ---- matching ------------------------------------------------------------------------------------


def _segments(path: str) -> list[str]:
    return [part for part in path.strip("/").split("/") if part] if path.strip("/") else []


def match_path(pattern: str, path: str) -> tuple[tuple, dict[str, str]] | None:
    """(rank, path parameters) when `path` fits `pattern`; a lower rank is more specific."""
    expected, parts = _segments(pattern), _segments(path)
    params, rank = {}, []
    for index, segment in enumerate(expected):
        if segment.startswith("{") and segment.endswith("+}"):
            if index >= len(parts):
                return None
            params[segment[1:-2]] = "/".join(parts[index:])
            return tuple(rank + [2]), params
        if index >= len(parts):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            params[segment[1:-1]] = parts[index]
            rank.append(1)
        elif segment == parts[index]:
            rank.append(0)
        else:
            return None
    return (tuple(rank), params) if len(parts) == len(expected) else None


class Router:
    def __init__(self, apis: list[Api]):
        self.apis = apis

    def match(self, http_method: str, path: str) -> tuple[Api, Method, dict[str, str]] | None:
        """The method serving this request; None when no path, or no method on the path, fits.
        Like API Gateway, the most specific resource is chosen first, then its method (or ANY):
        a resource without the method does not fall back to a greedy sibling."""
        best = None
        for api in self.apis:
            for method in api.methods:
                found = match_path(method.path, path)
                if found is not None and (best is None or found[0] < best[0]):
                    best = (found[0], api, method.path, found[1])
        if best is None:
            return None
        _, api, resource_path, params = best
        on_resource = [m for m in api.methods if m.path == resource_path]
        chosen = next((m for m in on_resource if m.http_method == http_method.upper()), None) or next((m for m in on_resource if m.http_method == "ANY"), None)
        return (api, chosen, params) if chosen else None
