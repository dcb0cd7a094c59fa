"""Send a message to whatever an ARN names: an SQS queue, SNS topic or S3 bucket in moto (dead-letter
queues, on-failure destinations, rule targets)."""

from __future__ import annotations

from collections.abc import Callable

from omni_local.physical import queue_url_from_arn, service_of_arn


class Destinations:
    def __init__(self, moto_client: Callable[[str], object], moto_endpoint: str):
        self._client = moto_client
        self._endpoint = moto_endpoint

    def send(self, arn: str, body: str, attributes: dict[str, str] | None = None, key: str | None = None) -> None:
        """`key`: the object's key when `arn` is a bucket."""
        service = service_of_arn(arn)
        message_attributes = {k: {"DataType": "String", "StringValue": str(v)} for k, v in (attributes or {}).items() if v}
        if service == "sqs":
            request = {"QueueUrl": queue_url_from_arn(arn, self._endpoint), "MessageBody": body, "MessageAttributes": message_attributes}
            if arn.endswith(".fifo"):
                request.update(MessageGroupId="local", MessageDeduplicationId=str(abs(hash(body))))
            self._client("sqs").send_message(**request)
        elif service == "sns":
            self._client("sns").publish(TopicArn=arn, Message=body, MessageAttributes=message_attributes)
        elif service == "s3" and key:
            self._client("s3").put_object(Bucket=arn.rsplit(":", 1)[-1], Key=key, Body=body.encode(), ContentType="application/json")
        else:
            raise ValueError(f"cannot send to {arn} locally (only SQS queues, SNS topics and S3 buckets with a key)")

    @staticmethod
    def label(arn: str) -> str:
        return arn.rsplit(":", 1)[-1]
