"""omni-<stage>-api: the REST API and everything of it (decision 69).

The RestApi, its resources, methods, validator, authorizer, gateway responses, deployment, stage, access
logs and usage plans, and the permissions that let API Gateway invoke the API functions' `live` aliases.
It uses the stateless stack's functions and channel keys and the stateful stack's user pool and key (CDK
turns each use into an export/import); nothing refers back to it, so the stacks deploy in one order:
stateful, stateless, api, alarms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kms as kms
from constructs import Construct

from omni_infra.api import OmniApi
from omni_infra.config import Channel, Config
from omni_infra.function import OmniFunction
from omni_infra.monitoring import Monitoring


class ApiStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Config,
        openapi: Path,
        functions: Mapping[str, OmniFunction],
        channel_keys: Sequence[tuple[Channel, apigw.IApiKey]],
        user_pool: cognito.IUserPool,
        key: kms.IKey,
        monitoring: Monitoring,
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        # The id `Api`, as in the stateless stack before: the same logical ids (what `cdk refactor` matches).
        self.api = OmniApi(
            self,
            "Api",
            config=config,
            document=openapi,
            functions=functions,
            channel_keys=channel_keys,
            user_pool=user_pool,
            key=key,
            monitoring=monitoring,
        )
