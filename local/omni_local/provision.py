"""Create the template's stateful resources in the local services.

Tables go to DynamoDB Local (keys, indexes, stream, TTL; billing is always on demand; encryption,
backups and replicas have no local meaning). Queues, topics, buckets, event buses, archives, SSM parameters and
secrets go to moto, under the names the resolver gives them, so every reference in the template points
at something real.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from omni_local.resolve import Resolver

TABLE_TYPES = ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
)


@dataclass
class Provisioned:
    stream_arns: dict[str, str] = field(default_factory=dict)  # table name -> DynamoDB Local stream ARN
    tables: list[str] = field(default_factory=list)
    queues: dict[str, str] = field(default_factory=dict)  # queue name -> URL


def provision(resolver: Resolver, dynamodb, moto_clients) -> Provisioned:
    """`moto_clients(service)` returns a moto client for a service."""
    done = Provisioned()
    for resource in resolver.resources(*TABLE_TYPES):
        name = resolver.name(resource)
        stream_arn = create_table(dynamodb, name, resolver.props(resource))
        done.tables.append(name)
        if stream_arn:
            done.stream_arns[name] = stream_arn
    done.queues = create_queues(resolver, moto_clients("sqs"))
    create_topics(resolver, moto_clients("sns"))
    create_buckets(resolver, moto_clients("s3"))
    create_buses(resolver, moto_clients("events"))
    create_parameters(resolver, moto_clients("ssm"))
    create_secrets(resolver, moto_clients("secretsmanager"))
    return done


def table_request(name: str, props: dict[str, Any]) -> dict[str, Any]:
    def index(spec: dict) -> dict:
        return {key: spec[key] for key in ("IndexName", "KeySchema", "Projection") if key in spec}

    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = [index(i) for i in props["GlobalSecondaryIndexes"]]
    if props.get("LocalSecondaryIndexes"):
        request["LocalSecondaryIndexes"] = [index(i) for i in props["LocalSecondaryIndexes"]]
    view = (props.get("StreamSpecification") or {}).get("StreamViewType")
    if view:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
    return request


def create_table(dynamodb, name: str, props: dict[str, Any]) -> str | None:
    """Create one table (or keep it if it exists); its stream ARN, if it has a stream."""
    try:
        dynamodb.create_table(**table_request(name, props))
    except dynamodb.exceptions.ResourceInUseException:
        pass
    ttl = props.get("TimeToLiveSpecification") or {}
    if ttl.get("Enabled") and ttl.get("AttributeName"):
        try:
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]})
        except dynamodb.exceptions.ClientError as error:  # already enabled on a reused table
            if "already enabled" not in str(error).lower():
                raise
    return dynamodb.describe_table(TableName=name)["Table"].get("LatestStreamArn")


def create_queues(resolver: Resolver, sqs) -> dict[str, str]:
    queues = {}
    redrives = []
    for resource in resolver.resources("AWS::SQS::Queue"):
        props, name = resolver.props(resource), resolver.name(resource)
        attributes = {key: _text(props[key]) for key in _QUEUE_ATTRIBUTES if key in props}
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        queues[name] = url
        if props.get("RedrivePolicy"):
            redrives.append((url, props["RedrivePolicy"]))
    for url, policy in redrives:  # after every queue exists: a redrive policy names its DLQ by ARN
        policy = policy if isinstance(policy, str) else json.dumps(policy)
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": policy})
    return queues


def create_buckets(resolver: Resolver, s3) -> None:
    """Buckets by name (e.g. where stream mappings park failed batches); encryption, lifecycle and
    policies have no local meaning."""
    for resource in resolver.resources("AWS::S3::Bucket"):
        s3.create_bucket(Bucket=resolver.name(resource))


def create_topics(resolver: Resolver, sns) -> None:
    for resource in resolver.resources("AWS::SNS::Topic"):
        sns.create_topic(Name=resolver.name(resource))
    for resource in resolver.resources("AWS::SNS::Subscription"):
        props = resolver.props(resource)
        if props.get("Protocol") == "sqs":
            sns.subscribe(TopicArn=props["TopicArn"], Protocol="sqs", Endpoint=props["Endpoint"], Attributes={"RawMessageDelivery": _text(props.get("RawMessageDelivery", False))})


def create_buses(resolver: Resolver, events) -> None:
    for resource in resolver.resources("AWS::Events::EventBus"):
        name = resolver.name(resource)
        if name != "default":
            events.create_event_bus(Name=name)
    for resource in resolver.resources("AWS::Events::Archive"):
        props = resolver.props(resource)
        request = {"ArchiveName": resolver.name(resource), "EventSourceArn": props["SourceArn"]}
        if props.get("EventPattern"):
            pattern = props["EventPattern"]
            request["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
        if props.get("RetentionDays") is not None:
            request["RetentionDays"] = int(props["RetentionDays"])
        events.create_archive(**request)


def create_parameters(resolver: Resolver, ssm) -> None:
    for resource in resolver.resources("AWS::SSM::Parameter"):
        props = resolver.props(resource)
        ssm.put_parameter(Name=resolver.name(resource), Value=_text(props.get("Value", "")), Type=props.get("Type", "String"), Overwrite=True)


def create_secrets(resolver: Resolver, secretsmanager) -> None:
    for resource in resolver.resources("AWS::SecretsManager::Secret"):
        props = resolver.props(resource)
        secretsmanager.create_secret(Name=resolver.name(resource), SecretString=_secret_string(props))


def _secret_string(props: dict) -> str:
    if "SecretString" in props:
        return _text(props["SecretString"])
    spec = props.get("GenerateSecretString") or {}
    excluded = set(spec.get("ExcludeCharacters", "")) | (set(string.punctuation) if spec.get("ExcludePunctuation") else set())
    alphabet = [c for c in string.ascii_letters + string.digits + string.punctuation if c not in excluded]
    value = "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))
    if spec.get("SecretStringTemplate") and spec.get("GenerateStringKey"):
        return json.dumps({**json.loads(spec["SecretStringTemplate"]), spec["GenerateStringKey"]: value})
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
