"""omni-<stage>-stateful: what holds data. Retained and deletion-protected in prod.

The KMS key, one table per domain (DomainData), the omni event bus and its archive, the bucket of
parked stream batches, the shoppers' user pool. The stateless stack receives these objects and CDK turns each use into an export/import.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from omni_infra import nag
from omni_infra.config import Config
from omni_infra.domains import DOMAINS
from omni_infra.domains.base import DomainData
from omni_infra.parking import ParkedBatches


class StatefulStack(Stack):
    def __init__(self, scope: Construct, id: str, *, config: Config, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        self.config = config

        self.key = self._key(config)

        self.domains: dict[str, DomainData] = {}
        for data_cls, _ in DOMAINS:
            data = data_cls(self, config=config, key=self.key)
            self.domains[data.spec.name] = data
        self.tables: dict[str, dynamodb.Table] = {
            name: data.table for name, data in self.domains.items() if data.table is not None
        }

        self.bus = events.EventBus(self, "Bus", event_bus_name=config.prefix)
        # events.Archive, not bus.archive(): the latter drops kms_key (aws-cdk-lib 2.275).
        events.Archive(
            self,
            "Archive",
            source_event_bus=self.bus,
            archive_name=f"{config.prefix}-all",
            description=f"Every event of the {config.prefix} bus, for replay",
            event_pattern=events.EventPattern(account=[self.account]),
            retention=config.archive_retention,
            kms_key=self.key,
        )

        # Stream batches the outboxes could not publish, parked whole for a redrive (decision 19).
        self.parked = ParkedBatches(self, "ParkedBatches", config=config, key=self.key).bucket

        self.user_pool, self.storefront_client = self._shoppers(config)

        CfnOutput(self, "EventBusName", value=self.bus.event_bus_name)
        CfnOutput(self, "ShopperUserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "StorefrontClientId", value=self.storefront_client.user_pool_client_id)

    def _key(self, config: Config) -> kms.Key:
        key = kms.Key(
            self,
            "Key",
            alias=f"alias/{config.prefix}",
            description=f"Omni {config.stage}: tables, queues, topics, logs, event archive",
            enable_key_rotation=True,
            pending_window=Duration.days(7 if not config.retain else 30),
            removal_policy=config.removal_policy,
        )
        # Services that encrypt with the key on Omni's behalf (the IAM grants cover Omni's roles).
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsOfThisAccount",
                principals=[iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:*"
                        )
                    }
                },
            )
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="EventBridgeRuleDeadLetterQueues",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
                conditions={
                    "ArnLike": {"aws:SourceArn": f"arn:{self.partition}:events:{self.region}:{self.account}:rule/*"}
                },
            )
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsToEncryptedTopic",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            )
        )
        return key

    def _shoppers(self, config: Config) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        pool = cognito.UserPool(
            self,
            "Shoppers",
            user_pool_name=f"{config.prefix}-shoppers",
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            keep_original=cognito.KeepOriginalAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=getattr(
                cognito.StandardThreatProtectionMode, config.threat_protection
            ),
            deletion_protection=config.deletion_protection,
            removal_policy=config.removal_policy,
        )
        nag.SHOPPER_MFA.on(pool)
        client = pool.add_client(
            "StorefrontClient",
            user_pool_client_name=f"{config.prefix}-storefront",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        return pool, client
