"""The whole system on one machine, wired only from the synthesized templates.

    with Runtime("cdk.out", port=0) as runtime:
        requests.get(runtime.api_url + "/v1/...", headers={"x-api-key": runtime.api_key("web")})
        runtime.wait_idle()

`start()` launches DynamoDB Local and moto, creates the template's tables, queues and buses, then
serves the API and the EventBridge endpoint and starts the stream, queue and schedule pollers.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omni_local import physical
from omni_local.activity import Activity
from omni_local.apigateway import Gateway
from omni_local.apikeys import KeyRing, load_api_keys
from omni_local.clients import local_client
from omni_local.cognito import LocalIssuer
from omni_local.delivery import AsyncDelivery
from omni_local.destinations import Destinations
from omni_local.docs import openapi_document
from omni_local.eventbridge import EventRouter, EventsEndpoint
from omni_local.functions import Endpoints, Functions, Invocation, function_specs
from omni_local.grants import put_event_sources
from omni_local.mappings import load_mappings
from omni_local.provision import TABLE_TYPES, provision
from omni_local.queues import QueuePoller
from omni_local.resolve import Resolver
from omni_local.routes import Router, load_apis
from omni_local.rules import load_async_configs, load_rules
from omni_local.schedules import Schedules
from omni_local.services import LocalServer, launch_dynamodb_local, launch_moto_server
from omni_local.sigv4 import OPERATOR, sign_operator_request
from omni_local.streams import StreamPoller
from omni_local.stripe_standin import StripeStandIn
from omni_local.template import Assembly
from omni_local.trace import Console, outcome

STRIPE_WEBHOOK_PATH = "/v1/webhooks/payments/stripe"


@dataclass
class Options:
    max_workers: int = 2  # warm workers per function
    async_retries: int | None = None  # None: EventInvokeConfig's MaximumRetryAttempts, else 2
    async_retry_delay: float = 0.2  # first backoff of an async retry (doubles)
    stream_retry_delay: float = 0.2  # first backoff of a stream batch retry (doubles, max 2 s)
    poll_interval: float = 0.15
    max_batching_window: float = 0.5  # cap on MaximumBatchingWindowInSeconds locally
    queue_retry_visibility: int | None = None  # seconds before a failed SQS message returns; None: the queue's
    function_logs: bool = True
    traces: bool = True
    prewarm: bool = False  # start every function's worker at start, not at first use
    extra_env: dict[str, str] = field(default_factory=dict)  # added to every function's environment


class Runtime:
    def __init__(
        self,
        cdk_out: str | Path = "cdk.out",
        *,
        repo_root: str | Path | None = None,
        port: int = 0,
        state_file: str | Path | None = None,
        seed: Callable | str | None = None,
        dynamodb_endpoint: str | None = None,
        console_stream=None,
        **options: Any,
    ):
        self.cdk_out = Path(cdk_out)
        self.repo_root = Path(repo_root) if repo_root else _repo_root(self.cdk_out)
        self.port = port
        self.state_file = Path(state_file) if state_file else None
        self.seed = seed
        self.options = Options(**options)
        self.console = Console(console_stream, self.options.function_logs, self.options.traces)
        self.activity = Activity()
        self._external_dynamodb = dynamodb_endpoint
        self._servers: list[LocalServer] = []
        self._pollers: list = []
        self._standins: list[StripeStandIn] = []
        self.stripe: StripeStandIn | None = None
        self._started = False

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Runtime:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self.assembly = Assembly.load(self.cdk_out)
        ddb: dict[str, Any] = {}
        if not self._external_dynamodb:  # Java starts while moto does
            starter = threading.Thread(target=lambda: ddb.setdefault("server", _try(launch_dynamodb_local)))
            starter.start()
        moto = launch_moto_server()
        self._servers.append(moto)
        if not self._external_dynamodb:
            starter.join()
            server = ddb["server"]
            if isinstance(server, BaseException):
                raise server
            self._servers.append(server)
        self.moto_endpoint = moto.endpoint
        self.dynamodb_endpoint = self._external_dynamodb or ddb["server"].endpoint

        self.resolver = Resolver(self.assembly, physical.Naming(self.moto_endpoint))
        self.provisioned = provision(self.resolver, self.client("dynamodb"), self._moto_client)
        self.destinations = Destinations(self._moto_client, self.moto_endpoint)

        self.stripe = self._stripe_standin()
        self.events = EventsEndpoint(self.moto_endpoint, None, self.activity)  # bound now: functions need its URL
        self.events.put_sources = put_event_sources(self.resolver)
        endpoints = Endpoints(self.moto_endpoint, self.dynamodb_endpoint, self.events.url)
        extra_env = {**self.options.extra_env, **({"STRIPE_API_BASE": self.stripe.url} if self.stripe else {})}
        self.functions = Functions(function_specs(self.resolver, self.repo_root), endpoints, self.console.log, self.options.max_workers, extra_env)
        rules = load_rules(self.resolver)
        self.delivery = AsyncDelivery(
            self.functions,
            self.destinations,
            self.console,
            self.activity,
            load_async_configs(self.resolver),
            lambda event, arn: self.router.route_to_bus(event, arn),
            self.options.async_retries,
            self.options.async_retry_delay,
        )
        self.router = EventRouter(rules, self.delivery, self.console)
        self.events.router = self.router
        self.schedules = Schedules(rules, self.delivery, self.console)

        self.keys = KeyRing(load_api_keys(self.resolver))
        pools = [self.resolver.ref(r.stack, r.logical_id) for r in self.resolver.resources("AWS::Cognito::UserPool")]
        clients = {str(self.resolver.props(r).get("UserPoolId")): self.resolver.ref(r.stack, r.logical_id) for r in self.resolver.resources("AWS::Cognito::UserPoolClient")}
        self.issuer = LocalIssuer(pools, clients)
        self.gateway = Gateway(Router(load_apis(self.resolver)), self.keys, self.issuer, self.functions, self.console, self.activity, self, self.port)
        self._pollers = self._make_pollers()

        self.events.start()
        self.gateway.start()
        if self.stripe:
            self.stripe.webhook_url = self.api_url + STRIPE_WEBHOOK_PATH
        for poller in self._pollers:
            poller.start()
        self.schedules.start()
        if self.options.prewarm:
            self.functions.prewarm()
        self._started = True
        if self.state_file:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            self.state_file.write_text(json.dumps(self.state(), indent=2))
        if self.seed:
            _callable(self.seed)(self)

    def _stripe_standin(self) -> StripeStandIn | None:
        """Stripe's stand-in, when the app declares the payments secrets it is reached with: it checks the
        generated API key and signs its webhooks with the generated signing secret, both read from moto."""
        names = {self.resolver.name(r).rsplit("/", 1)[-1]: self.resolver.name(r) for r in self.resolver.resources("AWS::SecretsManager::Secret")}
        if not {"stripe-api-key", "stripe-webhook-secret"} <= set(names):
            return None
        secrets = self._moto_client("secretsmanager")
        value = {name: secrets.get_secret_value(SecretId=names[name])["SecretString"] for name in ("stripe-api-key", "stripe-webhook-secret")}
        standin = StripeStandIn(api_key=value["stripe-api-key"], webhook_secret=value["stripe-webhook-secret"]).start()
        self._standins.append(standin)
        return standin

    def _make_pollers(self) -> list:
        pollers = []
        timing = {"interval": self.options.poll_interval, "max_window": self.options.max_batching_window}
        for mapping in load_mappings(self.resolver):
            if not mapping.enabled:
                continue
            if mapping.kind == "dynamodb":
                stream = self.provisioned.stream_arns.get(physical.table_from_arn(mapping.source_arn))
                if stream is None:
                    self.console.line(f"mapping {mapping.logical_id}: table of {mapping.source_arn} has no stream here; skipped")
                    continue
                pollers.append(
                    StreamPoller(mapping, stream, self.client("dynamodbstreams"), self.functions, self.destinations, self.console, self.activity, retry_delay=self.options.stream_retry_delay, **timing)
                )
            elif mapping.kind == "sqs":
                pollers.append(
                    QueuePoller(mapping, self.moto_endpoint, self.client("sqs"), self.functions, self.console, self.activity, retry_visibility=self.options.queue_retry_visibility, **timing)
                )
            else:
                self.console.line(f"mapping {mapping.logical_id}: {mapping.kind} sources are not emulated; skipped")
        return pollers

    def stop(self) -> None:
        for part in ("schedules", "gateway", "events", "delivery"):
            if hasattr(self, part):
                _quietly(getattr(self, part).stop)
        for poller in self._pollers:
            poller.stop()
        self.activity.poke()
        if hasattr(self, "functions"):
            _quietly(self.functions.stop)
        for standin in self._standins:
            _quietly(standin.stop)
        self._standins.clear()
        for server in reversed(self._servers):
            _quietly(server.stop)
        self._servers.clear()
        if self.state_file and self._started and self.state_file.exists():
            self.state_file.unlink()
        self._started = False

    def __enter__(self) -> Runtime:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- what tests and tools use ---------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return self.gateway.url

    @property
    def events_endpoint(self) -> str:
        return self.events.url

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until no HTTP call, event delivery, stream batch or queue batch is running or pending."""
        self.activity.wait_idle(timeout)

    def trigger_schedule(self, rule: str) -> str:
        """Fire a scheduled rule now (logical id, name or prefix); its logical id."""
        return self.schedules.fire(rule).logical_id

    def invoke(self, function: str, event: Any) -> Invocation:
        """Invoke a function synchronously (logical id, prefix, name or ARN)."""
        with self.activity.busy(f"invoke {function}"):
            invocation = self.functions.invoke(function, event)
        self.console.invoke(invocation.function, outcome(invocation))
        return invocation

    def mint_token(self, sub: str | None = None, email: str | None = None, **claims: Any) -> str:
        """A shopper ID token the COGNITO_USER_POOLS methods accept (1 h unless ttl=...)."""
        return self.issuer.mint(sub, email, **claims)

    def sign(self, method: str, url: str, body: bytes | str | None = b"", headers: dict | None = None) -> dict:
        """Headers for a request signed as the local operator (AWS_IAM methods)."""
        return sign_operator_request(method, url, body, headers)

    def api_key(self, channel_or_name: str) -> str:
        """The local value of an API key, by channel id (from CHANNELS), key name, or logical-id prefix."""
        channels = self.channel_keys()
        if channel_or_name in channels:
            return channels[channel_or_name]
        for key in self.keys.keys:
            if channel_or_name in (key.name, key.logical_id) or key.logical_id.startswith(channel_or_name):
                return key.value
        raise KeyError(f"no API key for {channel_or_name!r}")

    def channel_keys(self) -> dict[str, str]:
        """Channel id -> key value, read from the functions' CHANNELS variable (API key id -> channel)."""
        by_id = {key.id: key.value for key in self.keys.keys}
        channels: dict[str, str] = {}
        for spec in self.functions.specs.values():
            try:
                mapping = json.loads(spec.environment.get("CHANNELS") or "{}")
            except ValueError:
                continue
            for key_id, channel in mapping.items() if isinstance(mapping, dict) else []:
                name = channel.get("id") if isinstance(channel, dict) else str(channel)
                if key_id in by_id and name:
                    channels[name] = by_id[key_id]
        return channels

    def client(self, service: str):
        """A boto3 client for the local service: DynamoDB Local, this runtime's EventBridge, else moto."""
        if service in ("dynamodb", "dynamodbstreams"):
            return local_client(service, self.dynamodb_endpoint)
        if service == "events":
            return local_client(service, self.events_endpoint)
        return local_client(service, self.moto_endpoint)

    def table_name(self, logical_id: str) -> str:
        return self.resolver.name(self._find(TABLE_TYPES, logical_id))

    def queue_url(self, logical_id: str) -> str:
        resource = self._find(("AWS::SQS::Queue",), logical_id)
        return self.resolver.ref(resource.stack, resource.logical_id)

    def openapi(self) -> dict | None:
        return openapi_document(self.repo_root, self.api_url)

    def state(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "api_url": self.api_url,
            "docs_url": self.api_url + "/docs",
            "openapi_url": self.api_url + "/_local/openapi.json",
            "token_endpoint": self.api_url + "/_local/tokens",
            "invoke_endpoint": self.api_url + "/_local/invoke/",
            "events_endpoint": self.events_endpoint,
            "moto_endpoint": self.moto_endpoint,
            "dynamodb_endpoint": self.dynamodb_endpoint,
            "stripe_api": self.stripe.url if self.stripe else None,
            "region": physical.REGION,
            "account": physical.ACCOUNT,
            "channel_keys": self.channel_keys(),
            "api_keys": [{"name": k.name, "id": k.id, "value": k.value, "logical_id": k.logical_id, "enabled": k.enabled} for k in self.keys.keys],
            "operator": {"access_key": OPERATOR.access_key, "secret_key": OPERATOR.secret_key, "user_arn": OPERATOR.user_arn, "region": physical.REGION, "service": "execute-api"},
            "user_pools": self.issuer.pool_ids,
            "functions": {spec.logical_id: spec.name for spec in self.functions.specs.values()},
            "tables": {r.logical_id: self.resolver.name(r) for r in self.resolver.resources(*TABLE_TYPES)},
            "queues": {r.logical_id: self.resolver.ref(r.stack, r.logical_id) for r in self.resolver.resources("AWS::SQS::Queue")},
            "schedules": [rule.logical_id for rule in self.schedules.rules],
        }

    # ---- internals ------------------------------------------------------------------------------

    def _moto_client(self, service: str):
        return local_client(service, self.moto_endpoint)

    def _find(self, types: tuple, key: str):
        resources = self.resolver.resources(*types)
        found = [r for r in resources if r.logical_id == key] or [r for r in resources if r.logical_id.startswith(key)]
        if len(found) != 1:
            raise KeyError(f"{key!r} names {len(found)} resources of {types}")
        return found[0]


def _repo_root(cdk_out: Path) -> Path:
    for folder in [cdk_out.resolve(), *cdk_out.resolve().parents, Path.cwd()]:
        if (folder / "functions").is_dir():
            return folder
    return Path.cwd()


def _callable(seed: Callable | str) -> Callable:
    if callable(seed):
        return seed
    module, _, name = seed.partition(":")
    return getattr(importlib.import_module(module), name or "seed")


def _try(function: Callable):
    try:
        return function()
    except BaseException as error:  # handed to the starting thread
        return error


def _quietly(function: Callable) -> None:
    try:
        function()
    except Exception:
        pass
