"""OmniFunction: the one Lambda function construct every domain uses.

arm64, Python 3.13, the shared code asset (functions/, no bundling) and the dependency layer, JSON
logs into its own KMS-encrypted log group with retention, X-Ray active tracing, its own role that
can write only its log group. Data access is granted per function by the caller through the methods
below, which also record the cdk-nag acknowledgements the CDK grants need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import jsii
from aws_cdk import Annotations, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from omni_infra import bytecode, nag
from omni_infra.config import REPO_ROOT, Config
from omni_infra.layer import ARCHITECTURE, RUNTIME
from omni_infra.monitoring import FIVE_MINUTES, Monitoring
from omni_infra.parking import LAMBDA_PREFIX, parked_objects_ack

FUNCTIONS_DIR = REPO_ROOT / "functions"
FUNCTIONS_BUILD = REPO_ROOT / "build" / "functions"  # compiled copies of functions/, one per digest of its sources
DEFAULT_MEMORY_MB = 512

# The item-level actions of the CDK table grants (no stream or table-management actions).
TABLE_READ_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
)
TABLE_WRITE_ACTIONS = (
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)
INDEX_ACTIONS = ("dynamodb:Query", "dynamodb:Scan")
# What composing another domain's operations needs (its reads in a batch, a query of one partition, and
# the items of a transaction): no delete, scan, batch write or table description.
COMPOSED_ACTIONS = (
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)

_APPLICATION_LOG_LEVEL = {
    "DEBUG": lambda_.ApplicationLogLevel.DEBUG,
    "INFO": lambda_.ApplicationLogLevel.INFO,
    "WARNING": lambda_.ApplicationLogLevel.WARN,
    "ERROR": lambda_.ApplicationLogLevel.ERROR,
}


def functions_code() -> lambda_.Code:
    """ONE asset for all functions: the functions/ folder with its Python 3.13 bytecode (no bundling, no Docker)."""
    return lambda_.Code.from_asset(str(bytecode.compiled_copy(FUNCTIONS_DIR, FUNCTIONS_BUILD)), exclude=bytecode.ASSET_EXCLUDE)


@dataclass(frozen=True)
class Platform:
    """What every function of the stateless stack shares."""

    config: Config
    code: lambda_.Code
    layer: lambda_.ILayerVersion
    bus: events.IEventBus
    key: kms.IKey
    monitoring: Monitoring
    parked: s3.IBucket  # where stream mappings park the batches they gave up on (decision 19)


@jsii.implements(iam.IGrantable)
class OmniFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        platform: Platform,
        domain: str,
        handler: str,
        table: dynamodb.ITable | None = None,
        timeout: Duration = Duration.seconds(10),
        memory_size: int = DEFAULT_MEMORY_MB,
        environment: Mapping[str, str] | None = None,
        published: bool = False,
    ) -> None:
        """`published`: callers invoke the alias `live` of a published version, never $LATEST (API
        functions: SnapStart needs a version, and every stage runs what prod runs)."""
        super().__init__(scope, id)
        config = platform.config
        self.platform = platform
        self.domain = domain
        self.handler = handler

        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=config.log_retention,
            encryption_key=platform.key,
            removal_policy=config.removal_policy,
        )
        # Own role instead of AWSLambdaBasicExecutionRole: it may write its own log group only.
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Omni {config.stage} {handler}",
        )
        self.log_group.grant_write(self.role)

        env = {
            "EVENT_BUS_NAME": platform.bus.event_bus_name,
            "STAGE": config.stage,
            "POWERTOOLS_SERVICE_NAME": f"omni-{domain}",
            "POWERTOOLS_METRICS_NAMESPACE": "Omni",
            "POWERTOOLS_LOG_LEVEL": config.log_level,
        }
        if table is not None:
            env["TABLE_NAME"] = table.table_name
        if config.xray_sdk:
            env["XRAY_SDK"] = "true"  # kernel.observability loads Powertools' Tracer and the X-Ray SDK
        env.update(environment or {})
        snap_start = published and config.snap_start

        # id "Resource": the function's logical id is the construct's own name (e.g. CatalogApi…).
        self.function = lambda_.Function(
            self,
            "Resource",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=platform.code,
            handler=handler,
            layers=[platform.layer],
            role=self.role,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            # Lambda drops application logs below this level: keep it equal to Powertools' level.
            application_log_level_v2=_APPLICATION_LOG_LEVEL[config.log_level],
            system_log_level_v2=lambda_.SystemLogLevel.INFO,
            # Lambda's own tracing records every invocation; the X-Ray SDK is opt-in (kernel.observability).
            tracing=lambda_.Tracing.ACTIVE,
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if snap_start else None,
            # A replaced version is deleted: each SnapStart version left behind is a cached snapshot, billed.
            current_version_options=lambda_.VersionOptions(removal_policy=RemovalPolicy.DESTROY) if published else None,
            memory_size=memory_size,
            timeout=timeout,
            environment=env,
            description=handler,
        )
        nag.WILDCARD_RESOURCE.on(self.role)
        nag.PYTHON_RUNTIME.on(self.function)
        self.alias: lambda_.Alias | None = None
        if published:
            self.alias = lambda_.Alias(self, "Live", alias_name="live", version=self.function.current_version)
        if snap_start:
            Annotations.of(self.function).acknowledge_warning(
                "@aws-cdk/aws-lambda:snapStartRequirePublish", "the alias live invokes the published current version"
            )

        if config.alarms:
            platform.monitoring.alarm(
                self,
                "ErrorsAlarm",
                self.function.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
                description=f"{handler} raised errors",
            )

    # IGrantable: any CDK grant works on the construct directly (prefer the methods below).
    @property
    def grant_principal(self) -> iam.IPrincipal:
        return self.function.grant_principal

    @property
    def invocable(self) -> lambda_.IFunction:
        """What triggers invoke: the alias of a published function, else the function itself."""
        return self.alias or self.function

    def add_environment(self, key: str, value: str) -> None:
        self.function.add_environment(key, value)

    # --- least-privilege grants ------------------------------------------------------------

    def read_write(self, table: dynamodb.ITable, *, indexes: tuple[str, ...] = ()) -> None:
        """Items of `table` (no table management), and queries on the named indexes only."""
        self._grant_table(table, TABLE_READ_ACTIONS + TABLE_WRITE_ACTIONS, indexes)
        if table.encryption_key is not None:
            table.encryption_key.grant_encrypt_decrypt(self.function)
            self.kms_grant_used()

    def read(self, table: dynamodb.ITable, *, indexes: tuple[str, ...] = ()) -> None:
        self._grant_table(table, TABLE_READ_ACTIONS, indexes)
        if table.encryption_key is not None:
            table.encryption_key.grant_decrypt(self.function)

    def write_to(self, domain: str, own: dynamodb.ITable | None, others: Mapping[str, tuple[dynamodb.ITable, tuple[str, ...]]]) -> None:
        """Compose other domains' operations into this function's transactions (decision 32): on each
        table, only reads, condition checks, puts and updates (no delete, scan or batch write), and only
        on items whose partition key matches the owner's `composable_keys`; TABLES names every table
        the function uses, its own included (kernel.settings looks each one up there)."""
        names = {domain: own.table_name} if own is not None else {}
        for name, (table, leading_keys) in others.items():
            self.role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=list(COMPOSED_ACTIONS),
                    resources=[table.table_arn],
                    conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(leading_keys)}},
                )
            )
            if table.encryption_key is not None:
                table.encryption_key.grant_encrypt_decrypt(self.function)
                self.kms_grant_used()
            names[name] = table.table_name
        self.add_environment("TABLES", Stack.of(self).to_json_string(names))

    def _grant_table(self, table: dynamodb.ITable, actions: tuple[str, ...], indexes: tuple[str, ...]) -> None:
        # Like table.grant_*_data, but each index by name instead of `<table>/index/*`.
        iam.Grant.add_to_principal(grantee=self.function, actions=list(actions), resource_arns=[table.table_arn])
        if indexes:
            iam.Grant.add_to_principal(
                grantee=self.function,
                actions=list(INDEX_ACTIONS),
                resource_arns=[f"{table.table_arn}/index/{name}" for name in indexes],
            )

    def publish_events(self, bus: events.IEventBus, *, sources: tuple[str, ...] | None = None) -> None:
        """PutEvents on `bus`, only for entries whose `Source` is the domain's own (`omni.<domain>`) or
        one of `sources`: no function can put an event that claims to come from another domain."""
        iam.Grant.add_to_principal(
            grantee=self.function,
            actions=["events:PutEvents"],
            resource_arns=[bus.event_bus_arn],
            conditions={"StringEquals": {"events:source": list(sources or (f"omni.{self.domain}",))}},
        )

    def send_to(self, queues: Mapping[str, sqs.IQueue]) -> None:
        """Send messages to these work queues (name -> queue); their URLs by name in QUEUE_URLS (JSON)."""
        self.add_environment("QUEUE_URLS", Stack.of(self).to_json_string({name: queue.queue_url for name, queue in queues.items()}))
        for queue in queues.values():
            queue.grant_send_messages(self.function)
        self.kms_grant_used()

    def redrive_queues(self, dead_letters: Mapping[str, sqs.IQueue]) -> None:
        """Read and delete the messages of these work queues' dead-letter queues (name -> DLQ), to look at
        them and send them back (send_to grants the sending); their URLs by name in DEAD_LETTER_URLS (JSON)."""
        self.add_environment("DEAD_LETTER_URLS", Stack.of(self).to_json_string({name: queue.queue_url for name, queue in dead_letters.items()}))
        for queue in dead_letters.values():
            queue.grant_consume_messages(self.function)
        self.kms_grant_used()

    def redrive_outboxes(self, parked: s3.IBucket, outboxes: Mapping[str, dynamodb.ITable]) -> None:
        """Read and remove the parked stream batches of these domains' outboxes (domain -> table) and put
        their events again, with each domain's own source only; PARKED_BUCKET and OUTBOX_TABLES (JSON:
        table name -> domain) say where they are and whose they are."""
        self.add_environment("PARKED_BUCKET", parked.bucket_name)
        self.add_environment("OUTBOX_TABLES", Stack.of(self).to_json_string({table.table_name: name for name, table in outboxes.items()}))
        iam.Grant.add_to_principal(grantee=self.function, actions=["s3:ListBucket"], resource_arns=[parked.bucket_arn])
        iam.Grant.add_to_principal(grantee=self.function, actions=["s3:GetObject", "s3:DeleteObject"], resource_arns=[parked.arn_for_objects(LAMBDA_PREFIX + "*")])
        if parked.encryption_key is not None:
            parked.encryption_key.grant_decrypt(self.function)
        parked_objects_ack(self.platform.config).on(self.role)
        self.publish_events(self.platform.bus, sources=tuple(f"omni.{name}" for name in sorted(outboxes)))

    def read_secrets(self, secrets: Mapping[str, secretsmanager.ISecret], *, variable: str) -> None:
        """Read exactly these secrets, and decrypt them with the customer key only through Secrets
        Manager and only for them; their ARNs by name in the environment variable `variable` (JSON).

        On the role, not with secret.grant_read: that would also name this role in the key's policy
        (stateful stack), a reference back from the stateful stack to this one."""
        arns = {name: secret.secret_arn for name, secret in secrets.items()}
        stack = Stack.of(self)
        self.add_environment(variable, stack.to_json_string(arns))
        if not arns:
            return  # no channels configured: nothing to read
        iam.Grant.add_to_principal(
            grantee=self.function,
            actions=["secretsmanager:GetSecretValue"],  # the only call get_secret makes
            resource_arns=list(arns.values()),
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt"],
                resources=[self.platform.key.key_arn],
                conditions={
                    "StringEquals": {
                        "kms:ViaService": f"secretsmanager.{stack.region}.{stack.url_suffix}",
                        "kms:EncryptionContext:SecretARN": list(arns.values()),
                    }
                },
            )
        )

    def kms_grant_used(self) -> None:
        """The CDK grants for the customer key add kms:ReEncrypt* and kms:GenerateDataKey*."""
        nag.KMS_REENCRYPT.on(self.role)
        nag.KMS_GENERATE_DATA_KEY.on(self.role)
