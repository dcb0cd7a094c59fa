"""How a domain is declared, and the two constructs that build any declaration.

A domain module is data: a `DomainSpec` (its table, if any, and its functions with their triggers)
plus two one-line classes binding it to `DomainData` (stateful stack: the table) and
`DomainServices` (stateless stack: functions, triggers, grants). Every domain is therefore built
the same way, and adding one is a short module plus a line in `domains/__init__.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from omni_infra import nag, triggers
from omni_infra.config import Config
from omni_infra.function import DEFAULT_MEMORY_MB, OmniFunction, Platform

# --- the declaration -------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    """The domain's table: keys pk/sk; each index `gsiN` has keys `gsiNpk`/`gsiNsk`, projection ALL."""

    indexes: Mapping[str, str] = field(default_factory=dict)  # index name -> what it is for
    # Partition key patterns (IAM StringLike) of the items other domains' functions may read and write
    # through this domain's public logic interface, when they declare `writes_to` this domain (decision 32).
    composable_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Api:
    """Serves the domain's routes of the OpenAPI document (operations tagged with the domain)."""


@dataclass(frozen=True)
class Stream:
    """Consumes the domain table's stream. An outbox sees every record and parks a failing batch for a
    redrive; a processor may see only some records (`only`: a Lambda filter pattern, as JSON) and sends
    what keeps failing to an alarmed dead-letter queue (`dead_letter_queue`)."""

    only: str | None = None
    dead_letter_queue: bool = False


@dataclass(frozen=True)
class OnEvent:
    """Consumes events of the omni bus: from `source` (one, or a tuple of them) and one of `detail_types`."""

    source: str | tuple[str, ...]
    detail_types: tuple[str, ...]

    @property
    def sources(self) -> list[str]:
        return [self.source] if isinstance(self.source, str) else list(self.source)


@dataclass(frozen=True)
class Every:
    """Runs on a schedule."""

    minutes: int


@dataclass(frozen=True)
class OnQueue:
    """Consumes its own work queue (with a dead-letter queue), fed by the domain's functions that
    declare `sends_to` its name: a job fanned out in bounded, idempotent chunks."""

    batch_size: int


Trigger = Api | Stream | OnEvent | Every | OnQueue
TableAccess = Literal["read_write", "read", "none"]


@dataclass(frozen=True)
class ChannelSecrets:
    """One generated secret per channel (cdk.json `channels`), e.g. what a channel signs webhooks with:
    `omni/<stage>/<domain>/<channel>/<name>`, KMS-encrypted, in the stateful stack."""

    name: str  # e.g. webhook-secret
    variable: str  # the environment variable (channel id -> secret ARN) of the functions that read them


@dataclass(frozen=True)
class DomainSecret:
    """A secret of the domain itself (not per channel), e.g. a payment provider's API key:
    `omni/<stage>/<domain>/<name>`, KMS-encrypted, in the stateful stack; generated at first, replaced by
    an operator where the value comes from elsewhere."""

    name: str
    description: str


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # construct id: the function is `<Domain><name>`, e.g. InventoryHoldSweeper
    handler: str  # <domain>.handlers.<trigger>.handler
    trigger: Trigger
    table: TableAccess = "read_write"  # access to the domain's own table (if it has one)
    publishes: bool = False  # may put events on the omni bus
    timeout_seconds: int = 30
    memory_mb: int = DEFAULT_MEMORY_MB
    environment: Mapping[str, str] = field(default_factory=dict)
    reads_channel_secrets: bool = False  # may read the domain's channel secrets (and gets their ARNs)
    redrives_outboxes: bool = False  # may republish the outboxes' parked batches (decision 19)
    sends_to: tuple[str, ...] = ()  # names of the domain's OnQueue functions whose queues it may send to
    knows_channels: bool = False  # gets the channel list (CHANNELS) API functions get, to look channels up
    # Other domains whose tables it writes in its own transactions, with the operations their public
    # logic interface builds: it gets item access on those tables for their `composable_keys` only, and
    # TABLES (domain -> table name, its own included). E.g. checkout: writes_to=("inventory",).
    writes_to: tuple[str, ...] = ()
    reads_secrets: tuple[str, ...] = ()  # names of the domain's own secrets it may read (their ARNs in SECRETS)
    redrives: tuple[str, ...] = ()  # names of OnQueue functions whose dead-letter queues it may read and send back


@dataclass(frozen=True)
class DomainSpec:
    name: str  # lower case: table, tag, service name (omni-<name>), event source (omni.<name>)
    functions: tuple[FunctionSpec, ...]
    table: TableSpec | None = None
    channel_secrets: ChannelSecrets | None = None
    secrets: tuple[DomainSecret, ...] = ()

    @property
    def title(self) -> str:
        return self.name.capitalize()


# Shorthands, so a domain module reads like a table of its functions.


def api(handler: str, **options) -> FunctionSpec:
    return FunctionSpec("Api", handler, Api(), **{"timeout_seconds": 10, **options})


def outbox(handler: str, **options) -> FunctionSpec:
    """The table's stream turned into domain events: reads the stream only, publishes to the bus."""
    return FunctionSpec("Outbox", handler, Stream(), **{"table": "none", "publishes": True, **options})


def on_event(
    name: str, handler: str, *, source: str | tuple[str, ...], detail_types: list[str] | tuple[str, ...], **options
) -> FunctionSpec:
    return FunctionSpec(name, handler, OnEvent(source, tuple(detail_types)), **options)


def on_queue(name: str, handler: str, *, batch_size: int, **options) -> FunctionSpec:
    return FunctionSpec(name, handler, OnQueue(batch_size), **options)


def every(name: str, handler: str, *, minutes: int, **options) -> FunctionSpec:
    return FunctionSpec(name, handler, Every(minutes), **{"timeout_seconds": 60, **options})


# --- the constructs --------------------------------------------------------------------------


class DomainData(Construct):
    """Stateful part of a domain: its table and its channel secrets (if it has them)."""

    spec: ClassVar[DomainSpec]

    def __init__(self, scope: Construct, *, config: Config, key: kms.IKey) -> None:
        super().__init__(scope, self.spec.title)
        self.table: dynamodb.Table | None = None
        if self.spec.table is not None:
            self.table = _table(self, self.spec.table, config=config, key=key)
        self.secrets: dict[str, secretsmanager.Secret] = {}
        if self.spec.channel_secrets is not None:
            self.secrets = _channel_secrets(self, self.spec.name, self.spec.channel_secrets, config=config, key=key)
        self.domain_secrets: dict[str, secretsmanager.Secret] = {
            declared.name: _domain_secret(self, self.spec.name, declared, config=config, key=key) for declared in self.spec.secrets
        }


class DomainServices(Construct):
    """Stateless part of a domain: its functions, their triggers and grants."""

    spec: ClassVar[DomainSpec]

    def __init__(
        self,
        scope: Construct,
        *,
        platform: Platform,
        table: dynamodb.ITable | None,
        secrets: Mapping[str, secretsmanager.ISecret] | None = None,
        others: Mapping[str, tuple[dynamodb.ITable, TableSpec]] | None = None,
        domain_secrets: Mapping[str, secretsmanager.ISecret] | None = None,
    ) -> None:
        """`others`: the other domains' tables and their declarations (domain -> both), for `writes_to`."""
        super().__init__(scope, self.spec.title)
        spec = self.spec
        if (spec.table is None) != (table is None):
            raise ValueError(f"domain {spec.name}: the table passed does not match its declaration")
        if spec.channel_secrets is None and secrets:
            raise ValueError(f"domain {spec.name}: channel secrets passed, but the domain declares none")
        self.functions: dict[str, OmniFunction] = {}
        self.queues: dict[str, triggers.WorkQueue] = {}
        self.api: OmniFunction | None = None
        indexes = tuple(spec.table.indexes) if spec.table else ()

        for item in spec.functions:
            fn = OmniFunction(
                self,
                item.name,
                platform=platform,
                domain=spec.name,
                handler=item.handler,
                table=table,
                timeout=Duration.seconds(item.timeout_seconds),
                memory_size=item.memory_mb,
                environment=item.environment,
                published=isinstance(item.trigger, Api),
            )
            self.functions[item.name] = fn

            if table is not None and item.table == "read_write":
                fn.read_write(table, indexes=indexes)
            elif table is not None and item.table == "read":
                fn.read(table, indexes=indexes)
            if item.publishes:
                fn.publish_events(platform.bus)
            if item.writes_to:
                fn.write_to(spec.name, table, _composable(spec.name, item, others or {}))
            if item.reads_channel_secrets:
                if spec.channel_secrets is None:
                    raise ValueError(f"domain {spec.name}: {item.name} reads channel secrets but the domain declares none")
                fn.read_secrets(secrets or {}, variable=spec.channel_secrets.variable)
            if item.reads_secrets:
                unknown = set(item.reads_secrets) - set(domain_secrets or {})
                if unknown:
                    raise ValueError(f"domain {spec.name}: {item.name} reads secrets {sorted(unknown)} the domain does not declare")
                fn.read_secrets({name: (domain_secrets or {})[name] for name in item.reads_secrets}, variable="SECRETS")

            trigger = item.trigger
            if isinstance(trigger, Api):
                if self.api is not None:
                    raise ValueError(f"domain {spec.name} declares more than one API function")
                self.api = fn
            elif isinstance(trigger, Stream):
                if table is None:
                    raise ValueError(f"domain {spec.name}: {item.name} consumes a stream but there is no table")
                triggers.stream_consumer(table, fn, only=trigger.only, dead_letter_queue=trigger.dead_letter_queue)
            elif isinstance(trigger, OnEvent):
                pattern = events.EventPattern(source=trigger.sources, detail_type=list(trigger.detail_types))
                triggers.event_consumer(fn, pattern)
            elif isinstance(trigger, Every):
                triggers.scheduled(fn, Duration.minutes(trigger.minutes))
            elif isinstance(trigger, OnQueue):
                self.queues[item.name] = triggers.queue_consumer(fn, batch_size=trigger.batch_size)
            else:  # pragma: no cover - the Trigger union is closed
                raise TypeError(f"unknown trigger {trigger!r}")

        for item in spec.functions:  # after every queue exists: a sender may be declared before its queue
            senders = (*item.sends_to, *(name for name in item.redrives if name not in item.sends_to))  # a redrive sends back
            unknown = set(senders) - set(self.queues)
            if unknown:
                raise ValueError(f"domain {spec.name}: {item.name} sends to {sorted(unknown)}, which are no OnQueue functions")
            if senders:
                self.functions[item.name].send_to({name: self.queues[name].queue for name in senders})
            if item.redrives:
                self.functions[item.name].redrive_queues({name: self.queues[name].dlq.queue for name in item.redrives})


def _composable(domain: str, item: FunctionSpec, others: Mapping[str, tuple[dynamodb.ITable, TableSpec]]) -> dict[str, tuple[dynamodb.ITable, tuple[str, ...]]]:
    found = {}
    for name in item.writes_to:
        if name == domain or name not in others:
            raise ValueError(f"domain {domain}: {item.name} writes to {name}, which is no other domain with a table")
        table, declared = others[name]
        if not declared.composable_keys:
            raise ValueError(f"domain {domain}: {item.name} writes to {name}, whose table declares no composable_keys")
        found[name] = (table, declared.composable_keys)
    return found


def _table(scope: Construct, spec: TableSpec, *, config: Config, key: kms.IKey) -> dynamodb.Table:
    table = dynamodb.Table(
        scope,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryption_key=key,
        time_to_live_attribute="ttl",
        removal_policy=config.removal_policy,
        deletion_protection=config.deletion_protection,
    )
    for name in spec.indexes:
        table.add_global_secondary_index(
            index_name=name,
            partition_key=dynamodb.Attribute(name=f"{name}pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=f"{name}sk", type=dynamodb.AttributeType.STRING),
            projection_type=dynamodb.ProjectionType.ALL,
        )
    return table


def _domain_secret(scope: Construct, domain: str, declared: DomainSecret, *, config: Config, key: kms.IKey) -> secretsmanager.Secret:
    secret = secretsmanager.Secret(
        scope,
        "".join(part.title() for part in declared.name.split("-")),
        secret_name=f"omni/{config.stage}/{domain}/{declared.name}",
        description=declared.description,
        encryption_key=key,
        generate_secret_string=secretsmanager.SecretStringGenerator(exclude_punctuation=True, include_space=False, password_length=64),
        removal_policy=config.removal_policy,
    )
    nag.DOMAIN_SECRET_ROTATION.on(secret)
    return secret


def _channel_secrets(scope: Construct, domain: str, declared: ChannelSecrets, *, config: Config, key: kms.IKey) -> dict[str, secretsmanager.Secret]:
    secrets = {}
    for channel in config.channels:
        secret = secretsmanager.Secret(
            scope,
            "".join(part.title() for part in f"{channel.id}-{declared.name}".split("-")),
            secret_name=f"omni/{config.stage}/{domain}/{channel.id}/{declared.name}",
            description=f"{declared.name} of the {channel.kind} channel {channel.id}",
            encryption_key=key,
            # Letters and digits only: easy to hand to a channel's admin console, 64 of them (~380 bits).
            generate_secret_string=secretsmanager.SecretStringGenerator(exclude_punctuation=True, include_space=False, password_length=64),
            removal_policy=config.removal_policy,
        )
        nag.CHANNEL_SECRET_ROTATION.on(secret)
        secrets[channel.id] = secret
    return secrets
