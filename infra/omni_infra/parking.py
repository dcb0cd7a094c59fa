"""Where stream batches that could not be delivered are parked whole, to be republished later.

Lambda's stream on-failure record in SQS or SNS carries only the batch's shard and sequence numbers,
and stream records are gone after 24 hours: an EventBridge outage longer than the stream retries would
lose the events. An S3 on-failure destination makes Lambda store the whole invocation payload (the
stream records themselves) with that record, so an operator can republish the very same events
(`POST /v1/ops/redrive`, `omni_cli.py redrive`) once the bus is back. Decision 19.
"""

from __future__ import annotations

import jsii
from aws_cdk import Aws, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from omni_infra import nag
from omni_infra.config import Config

# As long as a dead-letter queue keeps a message: the operator's window to redrive.
PARKED_RETENTION = Duration.days(14)
_METRICS_FILTER = "parked"
LAMBDA_PREFIX = "aws/lambda/"  # where Lambda writes: aws/lambda/<mapping uuid>/<shard id>/<date>/...


def parked_objects_ack(config: Config) -> nag.Ack:
    return nag.Ack(
        f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::{config.prefix}-parked-<AWS::AccountId>-<AWS::Region>/{LAMBDA_PREFIX}*]",
        "Lambda names each parked batch's object itself (mapping, shard, time, random id): the grant covers the objects under its prefix of the one parked-batches bucket, nothing else.",
    )


def parked_bucket_name(config: Config) -> str:
    """Named, so the stateless stack's grants can name its objects without a wildcard cdk-nag cannot
    match (a cross-stack import) and without a cross-stack reference."""
    return f"{config.prefix}-parked-{Aws.ACCOUNT_ID}-{Aws.REGION}"


class ParkedBatches(Construct):
    """A KMS-encrypted, TLS-only, private bucket; objects expire after 14 days."""

    def __init__(self, scope: Construct, id: str, *, config: Config, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=parked_bucket_name(config),
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=PARKED_RETENTION, abort_incomplete_multipart_upload_after=Duration.days(1))],
            metrics=[s3.BucketMetrics(id=_METRICS_FILTER)],  # per-minute request metrics: the alarm below
            removal_policy=config.removal_policy,
        )
        nag.PARKED_BATCHES_ACCESS_LOGS.on(self.bucket)


def parked_metric(bucket: s3.IBucket) -> cloudwatch.Metric:
    """Objects put into the bucket per minute: each is a stream batch an outbox gave up on."""
    return cloudwatch.Metric(
        namespace="AWS/S3",
        metric_name="PutRequests",
        dimensions_map={"BucketName": bucket.bucket_name, "FilterId": _METRICS_FILTER},
        period=Duration.minutes(1),
        statistic="Sum",
    )


@jsii.implements(lambda_.IEventSourceDlq)
class ParkIn:
    """A stream mapping's S3 on-failure destination, granting only what Lambda needs to park a batch
    (s3:PutObject and s3:ListBucket, and the key to encrypt). CDK's S3OnFailureDestination grants the
    function read, write and delete on the whole bucket instead."""

    def __init__(self, bucket: s3.IBucket) -> None:
        self.bucket = bucket

    def bind(self, _target: lambda_.IEventSourceMapping, target_handler: lambda_.IFunction) -> lambda_.DlqDestinationConfig:
        iam.Grant.add_to_principal(grantee=target_handler, actions=["s3:ListBucket"], resource_arns=[self.bucket.bucket_arn])
        iam.Grant.add_to_principal(grantee=target_handler, actions=["s3:PutObject"], resource_arns=[self.bucket.arn_for_objects(LAMBDA_PREFIX + "*")])
        if self.bucket.encryption_key is not None:
            self.bucket.encryption_key.grant(target_handler, "kms:GenerateDataKey", "kms:Encrypt")
        return lambda_.DlqDestinationConfig(destination=self.bucket.bucket_arn)
