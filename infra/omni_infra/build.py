"""Assemble the app: config from context, the stacks (stateful, stateless, api, alarms), cdk-nag."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment

from omni_infra import nag
from omni_infra.api_stack import ApiStack
from omni_infra.config import REPO_ROOT, Config, load_cdk_json_context
from omni_infra.layer import LAYER_BUILD
from omni_infra.monitoring import AlarmsStack
from omni_infra.stateful_stack import StatefulStack
from omni_infra.stateless_stack import StatelessStack

SAMPLE_OPENAPI = REPO_ROOT / "tests" / "infra" / "fixtures" / "openapi.sample.json"


@dataclass(frozen=True)
class OmniApp:
    app: App
    config: Config
    stateful: StatefulStack
    stateless: StatelessStack
    api: ApiStack
    alarms: AlarmsStack


def build_app(
    *,
    context: dict[str, Any] | None = None,
    outdir: str | None = None,
    layer_dir: Path = LAYER_BUILD,
) -> OmniApp:
    """The app with cdk.json's context as defaults, `context` and the CLI's context on top."""
    defaults = {**load_cdk_json_context(), **(context or {})}
    app = App(context=defaults, outdir=outdir or os.environ.get("CDK_OUTDIR"))
    config = Config.of(app)

    openapi = config.openapi
    if not openapi.exists():
        print(
            f"warning: {openapi.relative_to(REPO_ROOT)} does not exist yet (make openapi); building the API from {SAMPLE_OPENAPI.relative_to(REPO_ROOT)}",
            file=sys.stderr,
        )
        openapi = SAMPLE_OPENAPI

    # Environment-agnostic unless the CLI (or the caller) names an account/region.
    account = os.environ.get("CDK_DEPLOY_ACCOUNT") or os.environ.get("CDK_DEFAULT_ACCOUNT")
    region = os.environ.get("CDK_DEPLOY_REGION") or os.environ.get("CDK_DEFAULT_REGION")
    env = Environment(account=account, region=region) if account and region else None

    stateful = StatefulStack(
        app,
        f"{config.prefix}-stateful",
        config=config,
        env=env,
        description=f"Omni {config.stage}: data (tables, bus, user pool, key)",
        termination_protection=config.deletion_protection,
    )
    alarms = AlarmsStack(
        app,
        f"{config.prefix}-alarms",
        prefix=config.prefix,
        key=stateful.key,
        env=env,
        description=f"Omni {config.stage}: the alarm topic and every alarm",
    )
    stateless = StatelessStack(
        app,
        f"{config.prefix}-stateless",
        config=config,
        data=stateful,
        monitoring=alarms.monitoring,
        layer_dir=layer_dir,
        env=env,
        description=f"Omni {config.stage}: functions, rules, queues, stream mappings, channel API keys",
    )
    api = ApiStack(
        app,
        f"{config.prefix}-api",
        config=config,
        document=openapi,
        functions=stateless.api_functions,
        channel_keys=stateless.channel_keys.pairs,
        user_pool=stateful.user_pool,
        key=stateful.key,
        monitoring=alarms.monitoring,
        env=env,
        description=f"Omni {config.stage}: the REST API (resources, methods, stage, usage plans, invoke permissions)",
    )
    # The API's 5xx alarm names the API by its name (no reference): deploy the alarms after what they watch.
    alarms.add_stack_dependency(api, "the alarms watch the API")
    nag.enable(app)
    return OmniApp(app=app, config=config, stateful=stateful, stateless=stateless, api=api, alarms=alarms)
