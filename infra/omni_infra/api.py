"""The REST API, built from the OpenAPI document the handlers generate (docs/openapi.json).

For each operation: the resource tree of its path, a method with Lambda proxy integration to the
`<Domain>Api` function named by the operation's first tag, and the authorization its `security`
names. Channels (CDK context) each get an API key (`ChannelKeys`, in the stateless stack: the functions
receive the key id -> channel map as `CHANNELS`) and a usage plan on the API's stage (`OmniApi`, in the
API stack, decision 69).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from omni_infra import nag
from omni_infra.config import CHANNEL_LIMITS, Channel, Config
from omni_infra.function import OmniFunction
from omni_infra.monitoring import FIVE_MINUTES, Monitoring

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
PARAMETER_LOCATIONS = {"path": "path", "query": "querystring", "header": "header"}

# The audiences of kernel.auth, as OpenAPI security requirements.
OPERATOR = "operator"  # [{"operatorIam": []}]            -> AWS_IAM
CHANNEL = "channel"  # [{"channelKey": []}]                 -> API key required
SHOPPER = "shopper"  # [{"channelKey": [], "shopperToken": []}] -> Cognito + API key
WEBHOOK = "webhook"  # [{"webhookSignature": []}]           -> NONE: the handler verifies the sender's HMAC
SECURITY = {
    frozenset({"operatorIam"}): OPERATOR,
    frozenset({"channelKey"}): CHANNEL,
    frozenset({"channelKey", "shopperToken"}): SHOPPER,
    frozenset({"webhookSignature"}): WEBHOOK,
    frozenset({"stripeSignature"}): WEBHOOK,  # Stripe's own signature scheme, verified by its SDK in the handler
    frozenset({"shopifyHmac"}): WEBHOOK,  # Shopify's X-Shopify-Hmac-Sha256
    frozenset({"marketplaceSignature"}): WEBHOOK,  # the marketplace format's Marketplace-Signature
}


class OpenApiError(ValueError):
    """The OpenAPI document cannot be turned into a safe API."""


@dataclass(frozen=True)
class Operation:
    path: str  # /v1/products/{product_id}
    method: str  # GET
    domain: str  # first tag
    audience: str  # OPERATOR | CHANNEL | SHOPPER | WEBHOOK
    operation_id: str | None
    request_parameters: Mapping[str, bool]  # method.request.querystring.limit -> required


def operations(document: Mapping) -> Iterator[Operation]:
    """Every operation of the document, validated: tagged, and authenticated in a supported way."""
    default_security = document.get("security")
    paths = document.get("paths", {})
    _check_path_parameters(paths)
    for path, item in sorted(paths.items()):
        shared_parameters = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            where = f"{method.upper()} {path}"
            tags = op.get("tags") or []
            if not tags:
                raise OpenApiError(f"{where}: no tag, so no domain function to route it to")
            security = op.get("security", default_security)
            if not security:
                raise OpenApiError(f"{where}: no security; every route must be authenticated")
            if len(security) != 1:
                raise OpenApiError(f"{where}: alternative security requirements {security} cannot be expressed on one API Gateway method; declare exactly one")
            audience = SECURITY.get(frozenset(security[0]))
            if audience is None:
                supported = [sorted(schemes) for schemes in SECURITY]
                raise OpenApiError(f"{where}: unsupported security {security[0]}; use one of {supported}")
            yield Operation(
                path=path,
                method=method.upper(),
                domain=tags[0],
                audience=audience,
                operation_id=op.get("operationId"),
                request_parameters=_request_parameters([*shared_parameters, *op.get("parameters", [])]),
            )


def _check_path_parameters(paths: Mapping) -> None:
    """API Gateway allows one `{parameter}` name per parent resource (/things/{id} vs /things/{thing_id})."""
    seen: dict[str, str] = {}
    for path in sorted(paths):
        parts = path.strip("/").split("/")
        for index, part in enumerate(parts):
            if part.startswith("{"):
                parent = "/" + "/".join(parts[:index])
                first = seen.setdefault(parent, part)
                if first != part:
                    raise OpenApiError(f"{path}: {parent} has both {first} and {part}; use one parameter name")


def _request_parameters(parameters: list[dict]) -> dict[str, bool]:
    result = {}
    for parameter in parameters:
        location = PARAMETER_LOCATIONS.get(parameter.get("in", ""))
        if location is not None:
            required = parameter.get("required", False) or location == "path"
            result[f"method.request.{location}.{parameter['name']}"] = bool(required)
    return result


def load_document(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise OpenApiError(f"OpenAPI document {path} not found (make openapi generates docs/openapi.json)") from None


# Every answer API Gateway gives itself, as a Problem (kernel.errors.Problem: type, title, status,
# detail, code). Each type is listed with its status, so every body carries the status it is sent
# with; the two defaults only catch types AWS adds later.
_GATEWAY_PROBLEMS = {
    apigw.ResponseType.ACCESS_DENIED: ("403", "Forbidden"),
    apigw.ResponseType.API_CONFIGURATION_ERROR: ("500", "Server error"),
    apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR: ("500", "Server error"),
    apigw.ResponseType.AUTHORIZER_FAILURE: ("500", "Server error"),
    apigw.ResponseType.BAD_REQUEST_PARAMETERS: ("400", "Bad request parameters"),
    apigw.ResponseType.BAD_REQUEST_BODY: ("400", "Bad request body"),
    apigw.ResponseType.EXPIRED_TOKEN: ("403", "Forbidden"),
    apigw.ResponseType.INTEGRATION_FAILURE: ("504", "Server error"),
    apigw.ResponseType.INTEGRATION_TIMEOUT: ("504", "Server error"),
    apigw.ResponseType.INVALID_API_KEY: ("403", "Forbidden"),
    apigw.ResponseType.INVALID_SIGNATURE: ("403", "Forbidden"),
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN: ("403", "Forbidden"),
    apigw.ResponseType.QUOTA_EXCEEDED: ("429", "Too many requests"),
    apigw.ResponseType.REQUEST_TOO_LARGE: ("413", "Request too large"),
    apigw.ResponseType.RESOURCE_NOT_FOUND: ("404", "Not found"),
    apigw.ResponseType.THROTTLED: ("429", "Too many requests"),
    apigw.ResponseType.UNAUTHORIZED: ("401", "Unauthorized"),
    apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE: ("415", "Unsupported media type"),
    apigw.ResponseType.WAF_FILTERED: ("403", "Forbidden"),
    apigw.ResponseType.DEFAULT_4_XX: ("400", "Client error"),
    apigw.ResponseType.DEFAULT_5_XX: ("500", "Server error"),
}


class OmniApi(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Config,
        document: Path,
        functions: Mapping[str, OmniFunction],
        channel_keys: Sequence[tuple[Channel, apigw.IApiKey]],
        user_pool: cognito.IUserPool,
        key: kms.IKey,
        monitoring: Monitoring,
    ) -> None:
        """`functions`: each domain's API function (in the stateless stack); its integration and the one
        permission that lets API Gateway invoke its alias are created here, beside the API (the permission
        names the API, so in the functions' stack it would make the two stacks depend on each other)."""
        super().__init__(scope, id)
        self.document_path = document
        self.operations = list(operations(load_document(document)))
        unknown = sorted({op.domain for op in self.operations} - set(functions))
        if unknown:
            raise OpenApiError(f"{document}: operations tagged {unknown}, but no domain declares an API function for them")

        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=config.log_retention,
            encryption_key=key,
            removal_policy=config.removal_policy,
        )
        self.rest_api = apigw.RestApi(
            self,
            "Resource",
            rest_api_name=config.prefix,
            description=f"Omni {config.stage} API (built from {document.name})",
            endpoint_configuration=apigw.EndpointConfiguration(types=[apigw.EndpointType.REGIONAL]),
            api_key_source_type=apigw.ApiKeySourceType.HEADER,
            cloud_watch_role=True,
            # Account-wide singleton: never delete it with a stage, other APIs may log through it.
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            deploy_options=apigw.StageOptions(
                stage_name=config.stage,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                throttling_rate_limit=config.api_rate_limit,
                throttling_burst_limit=config.api_burst_limit,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(_ACCESS_LOG_FIELDS)),
            ),
        )
        nag.API_WAF.on(self.rest_api.deployment_stage)
        nag.API_CLOUDWATCH_ROLE.on(self.rest_api.node.find_child("CloudWatchRole"))

        validator = self.rest_api.add_request_validator("Validator", validate_request_body=True, validate_request_parameters=True)
        # One integration (and so one Lambda permission for the whole API) per function, on its alias `live`.
        integrations = {domain: apigw.LambdaIntegration(functions[domain].invocable, proxy=True, scope_permission_to_method=False) for domain in sorted({op.domain for op in self.operations})}
        authorizer: apigw.CognitoUserPoolsAuthorizer | None = None

        self.methods: dict[tuple[str, str], apigw.Method] = {}
        for op in self.operations:
            options: dict = {}
            if op.audience == OPERATOR:
                options["authorization_type"] = apigw.AuthorizationType.IAM
            elif op.audience == CHANNEL:
                options["authorization_type"] = apigw.AuthorizationType.NONE
                options["api_key_required"] = True
            elif op.audience == WEBHOOK:
                # The one open method: a channel's server cannot send an API key or SigV4, it signs
                # the body (channels.logic.signatures), which only the handler can verify.
                options["authorization_type"] = apigw.AuthorizationType.NONE
                options["api_key_required"] = False
            else:  # SHOPPER
                if authorizer is None:
                    authorizer = apigw.CognitoUserPoolsAuthorizer(
                        self,
                        "ShopperAuthorizer",
                        cognito_user_pools=[user_pool],
                        # The name CDK derived from its path in the stateless stack, where it was before decision 69:
                        # unchanged, the deployed authorizer can be moved here (`cdk refactor`) instead of replaced.
                        authorizer_name=_cdk_unique_id(f"{config.prefix}-stateless", id, "ShopperAuthorizer"),
                    )
                options["authorization_type"] = apigw.AuthorizationType.COGNITO
                options["authorizer"] = authorizer
                options["api_key_required"] = True
            resource = self.rest_api.root.resource_for_path(op.path)
            method = resource.add_method(
                op.method,
                integrations[op.domain],
                request_validator=validator,
                request_parameters=dict(op.request_parameters) or None,
                operation_name=op.operation_id,
                **options,
            )
            if op.audience == OPERATOR:
                nag.OPERATOR_IAM_COGNITO.on(method)
            elif op.audience == CHANNEL:
                nag.CHANNEL_KEY_AUTHORIZATION.on(method)
                nag.CHANNEL_KEY_COGNITO.on(method)
            elif op.audience == WEBHOOK:
                nag.WEBHOOK_SIGNATURE_AUTHORIZATION.on(method)
                nag.WEBHOOK_SIGNATURE_COGNITO.on(method)
            self.methods[(op.path, op.method)] = method

        for response_type, (status, title) in _GATEWAY_PROBLEMS.items():
            self.rest_api.add_gateway_response(
                f"Problem{response_type.response_type}",
                type=response_type,
                status_code=status,
                response_headers={"Content-Type": "'application/problem+json'"},
                templates={"application/json": _problem_template(status, title)},
            )

        self._usage_plans(config, channel_keys)

        if config.alarms:
            monitoring.alarm(
                self,
                "ServerErrorsAlarm",
                self.rest_api.metric_server_error(period=FIVE_MINUTES, statistic="Sum"),
                description=f"{config.prefix} API answered 5xx",
            )
        CfnOutput(self, "Url", value=self.rest_api.url, description=f"The {config.stage} API: channels, shoppers and operators call it")

    def _usage_plans(self, config: Config, channel_keys: Sequence[tuple[Channel, apigw.IApiKey]]) -> None:
        """One usage plan per channel (throttle + daily quota) on the stage, with the channel's key."""
        for channel, key in channel_keys:
            limits = CHANNEL_LIMITS[channel.kind]
            plan = self.rest_api.add_usage_plan(
                f"Channel{_construct_name(channel)}Plan",
                name=f"{config.prefix}-channel-{channel.id}",
                description=f"{channel.kind} channel {channel.id}",
                throttle=apigw.ThrottleSettings(rate_limit=limits.rate, burst_limit=limits.burst),
                quota=apigw.QuotaSettings(limit=limits.daily_quota, period=apigw.Period.DAY),
                api_stages=[apigw.UsagePlanPerApiStage(api=self.rest_api, stage=self.rest_api.deployment_stage)],
            )
            plan.add_api_key(key)


class ChannelKeys(Construct):
    """One API key per channel (cdk.json `channels`), its value generated, and the key id -> channel map
    (`channels_json`, as kernel.settings reads CHANNELS) for the functions that tell channels apart.

    In the stateless stack, not the API stack: the functions name the keys' ids, and the API stack already
    depends on the functions' stack (its integrations name their aliases). Created with the id `Api`, the
    keys keep the logical ids they had when the API construct made them, so the split of decision 69 left
    every channel's key value as it was."""

    def __init__(self, scope: Construct, id: str, *, config: Config) -> None:
        super().__init__(scope, id)
        self.pairs: list[tuple[Channel, apigw.ApiKey]] = [
            (
                channel,
                apigw.ApiKey(
                    self,
                    f"Channel{_construct_name(channel)}Key",
                    api_key_name=f"{config.prefix}-channel-{channel.id}",
                    description=f"{channel.kind} channel {channel.id}",
                    enabled=True,
                ),
            )
            for channel in config.channels
        ]
        self.channels_json = Stack.of(self).to_json_string({key.key_id: channel.as_settings() for channel, key in self.pairs})


def _cdk_unique_id(*path: str) -> str:
    """What CDK's `Names.uniqueId` gives the construct at this path (no `Default` or repeated part in it): its
    parts' letters and digits, then the first 8 hex digits of the MD5 of the path."""
    digest = hashlib.md5("/".join(path).encode(), usedforsecurity=False).hexdigest()[:8].upper()
    return "".join(re.sub(r"[^A-Za-z0-9]", "", part) for part in path) + digest


def _construct_name(channel: Channel) -> str:
    return channel.id.title().replace("-", "")


_ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTimeEpoch",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integration.latency",
    "integrationStatus": "$context.integration.status",
    "errorType": "$context.error.responseType",
    "errorMessage": "$context.error.message",
    "sourceIp": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "apiKeyId": "$context.identity.apiKeyId",
    "caller": "$context.identity.caller",
    "user": "$context.identity.user",
    "shopper": "$context.authorizer.claims.sub",
    "xrayTraceId": "$context.xrayTraceId",
}


def _problem_template(status: str, title: str) -> str:
    return f'{{"type":"about:blank","title":"{title}","status":{status},"detail":$context.error.messageString,"code":"$context.error.responseType"}}'
