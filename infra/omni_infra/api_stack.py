"""omni-<stage>-api: the REST API and everything of it (decision 69).

The RestApi, its resources, methods, validator, authorizer, gateway responses, deployment, stage, access
logs and usage plans, and the permissions that let API Gateway invoke the API functions' `live` aliases.
It uses the stateless stack's functions and channel keys and the stateful stack's user pool and key (CDK
turns each use into an export/import); nothing refers back to it, so the stacks deploy in one order:
stateful, stateless, api, alarms.
"""

from __future__ import annotations

from aws_cdk import Environment, Stack
from constructs import Construct

from omni_infra.api import OmniApi


class ApiStack(Stack):
    def __init__(self, scope: Construct, id: str, *, env: Environment | None = None, description: str | None = None, **api) -> None:
        """`api`: OmniApi's arguments (config, document, functions, channel_keys, user_pool, key, monitoring)."""
        super().__init__(scope, id, env=env, description=description)
        # The id `Api`, as in the stateless stack before: the same logical ids (what `cdk refactor` matches).
        self.api = OmniApi(self, "Api", **api)
