"""Local physical ids: what `Ref` and `Fn::GetAtt` of each resource type mean on this machine.

Every value is deterministic (derived from names and logical ids), so two runs, and the template's
references to one another (an API key id inside a function's CHANNELS variable, a queue ARN inside a
redrive policy), always agree. ARNs use the local account and region and can be mapped back to the
resource they name with the `*_from_arn` helpers.
"""

from __future__ import annotations

import hashlib
import string
import uuid
from collections.abc import Callable
from typing import Any

from omni_local.template import Resource

REGION = "us-east-1"
ACCOUNT = "000000000000"
PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"
STREAM_LABEL = "2020-01-01T00:00:00.000"  # any fixed label: the stream ARN only has to map back

Prop = Callable[[str], Any]  # resolved property of the resource being named


def stable_id(seed: str, length: int = 10, alphabet: str = string.ascii_lowercase + string.digits) -> str:
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def arn(service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
    return f"arn:{PARTITION}:{service}:{REGION if region else ''}:{ACCOUNT if account else ''}:{resource}"


def user_pool_id(logical_id: str) -> str:
    return f"{REGION}_{stable_id(logical_id, 9, string.ascii_letters + string.digits)}"


def api_key_id(logical_id: str) -> str:
    return stable_id("apikey/" + logical_id)


class Naming:
    """Ref and GetAtt values per resource type. `sqs_endpoint` is the moto URL queue URLs live under."""

    def __init__(self, sqs_endpoint: str = "http://127.0.0.1:4566"):
        self.sqs_endpoint = sqs_endpoint.rstrip("/")

    def name(self, res: Resource, prop: Prop) -> str:
        """The resource's own name: its name property if the template sets one, else its logical id."""
        key = _NAME_PROPERTY.get(res.type)
        value = prop(key) if key else None
        if value:
            return str(value)
        if res.type == "AWS::SQS::Queue" and prop("FifoQueue"):
            return res.logical_id + ".fifo"
        if res.type == "AWS::S3::Bucket":
            return res.logical_id.lower()
        return res.logical_id

    def ref(self, res: Resource, prop: Prop) -> Any:
        t, name = res.type, self.name(res, prop)
        if t == "AWS::SQS::Queue":
            return f"{self.sqs_endpoint}/{ACCOUNT}/{name}"
        if t == "AWS::ApiGateway::ApiKey":
            return api_key_id(res.logical_id)
        if t == "AWS::ApiGateway::Stage":
            return prop("StageName")
        if t.startswith("AWS::ApiGateway::"):
            return stable_id(t + "/" + res.logical_id)
        if t == "AWS::Cognito::UserPool":
            return user_pool_id(res.logical_id)
        if t == "AWS::Cognito::UserPoolClient":
            return stable_id("client/" + res.logical_id, 26)
        if t == "AWS::KMS::Key":
            return str(uuid.uuid5(uuid.NAMESPACE_URL, "kms/" + res.logical_id))
        if t == "AWS::Lambda::EventSourceMapping":
            return str(uuid.uuid5(uuid.NAMESPACE_URL, "esm/" + res.logical_id))
        if t in ("AWS::SNS::Topic", "AWS::StepFunctions::StateMachine", "AWS::Lambda::Alias", "AWS::Lambda::Version"):
            return self.arn_of(res, prop)
        if t == "AWS::Events::Rule":
            bus = bus_name(prop("EventBusName"))
            return name if bus == "default" else f"{bus}|{name}"
        return name

    def arn_of(self, res: Resource, prop: Prop) -> str:
        t, name = res.type, self.name(res, prop)
        if t in ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"):
            return arn("dynamodb", f"table/{name}")
        if t == "AWS::SQS::Queue":
            return arn("sqs", name)
        if t == "AWS::SNS::Topic":
            return arn("sns", name)
        if t == "AWS::Lambda::Function":
            return arn("lambda", f"function:{name}")
        if t in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            # Qualified ARNs of the function (an API integration invokes the alias `live`); locally every
            # qualifier runs the function's current code, as there is only one version of it.
            qualifier = prop("Name") if t == "AWS::Lambda::Alias" else "1"
            return arn("lambda", f"function:{function_from_arn(str(prop('FunctionName')))}:{qualifier}")
        if t == "AWS::Events::EventBus":
            return arn("events", f"event-bus/{name}")
        if t == "AWS::Events::Rule":
            bus = bus_name(prop("EventBusName"))
            return arn("events", f"rule/{name}" if bus == "default" else f"rule/{bus}/{name}")
        if t == "AWS::Events::Archive":
            return arn("events", f"archive/{name}")
        if t == "AWS::Cognito::UserPool":
            return arn("cognito-idp", f"userpool/{self.ref(res, prop)}")
        if t == "AWS::KMS::Key":
            return arn("kms", f"key/{self.ref(res, prop)}")
        if t == "AWS::IAM::Role":
            return arn("iam", f"role/{name}", region=False)
        if t == "AWS::S3::Bucket":
            return f"arn:{PARTITION}:s3:::{name}"
        if t == "AWS::Logs::LogGroup":
            return arn("logs", f"log-group:{name}:*")
        if t == "AWS::StepFunctions::StateMachine":
            return arn("states", f"stateMachine:{name}")
        if t == "AWS::SecretsManager::Secret":
            return arn("secretsmanager", f"secret:{name}")
        if t == "AWS::SSM::Parameter":
            return arn("ssm", f"parameter/{name.lstrip('/')}")
        service = t.split("::")[1].lower() if t.count("::") == 2 else "local"
        return arn(service, res.logical_id)

    def att(self, res: Resource, attribute: str, prop: Prop) -> Any:
        t = res.type
        if attribute == "Arn" or (attribute.endswith("Arn") and attribute[:-3] in t):
            return self.arn_of(res, prop)
        if attribute == "StreamArn":
            return self.arn_of(res, prop) + f"/stream/{STREAM_LABEL}"
        if t == "AWS::SQS::Queue":
            return {"QueueName": self.name(res, prop), "QueueUrl": self.ref(res, prop)}.get(attribute)
        if t == "AWS::ApiGateway::RestApi" and attribute == "RootResourceId":
            return stable_id("root/" + res.logical_id)
        if t == "AWS::ApiGateway::ApiKey" and attribute == "APIKeyId":
            return self.ref(res, prop)
        if t == "AWS::Cognito::UserPool":
            pool = self.ref(res, prop)
            values = {
                "UserPoolId": pool,
                "ProviderName": f"cognito-idp.{REGION}.{URL_SUFFIX}/{pool}",
                "ProviderURL": f"https://cognito-idp.{REGION}.{URL_SUFFIX}/{pool}",
            }
            if attribute in values:
                return values[attribute]
        if t == "AWS::KMS::Key" and attribute == "KeyId":
            return self.ref(res, prop)
        if attribute in ("Name", "QueueName", "TopicName", "TableName"):
            return self.name(res, prop)
        if t == "AWS::SSM::Parameter" and attribute in ("Value", "Type"):
            return prop(attribute)
        if attribute == "Version":
            return "1"
        return f"{res.logical_id}.{attribute}"


_NAME_PROPERTY = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::DynamoDB::GlobalTable": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Events::EventBus": "Name",
    "AWS::Events::Rule": "Name",
    "AWS::Events::Archive": "ArchiveName",
    "AWS::IAM::Role": "RoleName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::SSM::Parameter": "Name",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::KMS::Alias": "AliasName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Scheduler::Schedule": "Name",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::Cognito::UserPoolDomain": "Domain",
}


# ---- from a local ARN (or name) back to what it names --------------------------------------------


def bus_name(value: Any) -> str:
    """Bus name from an EventBusName property, which may be a name or an ARN; absent = default."""
    if not value:
        return "default"
    value = str(value)
    return value.split("event-bus/", 1)[1] if "event-bus/" in value else value


def function_from_arn(value: str) -> str:
    """Function name from a function ARN (possibly inside an API Gateway integration URI), alias or name."""
    if ":function:" in value:
        return value.split(":function:", 1)[1].split("/")[0].split(":")[0]
    return value


def table_from_arn(value: str) -> str:
    """Table name from a table or stream ARN."""
    return value.split(":table/", 1)[1].split("/")[0] if ":table/" in value else value


def service_of_arn(value: str) -> str:
    parts = str(value).split(":")
    return parts[2] if len(parts) > 2 and parts[0] == "arn" else ""


def queue_url_from_arn(value: str, sqs_endpoint: str) -> str:
    parts = value.split(":")
    return f"{sqs_endpoint.rstrip('/')}/{parts[4] or ACCOUNT}/{parts[5]}"
