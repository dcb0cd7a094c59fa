"""A domain's table and the event bus under moto, for component tests (single-threaded only)."""

from __future__ import annotations

import contextlib
import json

import boto3
from moto import mock_aws

from omni_local.queues import lambda_message
from stack_tables import create_domain_table
from support.env import domain_environment


class Domain:
    def __init__(self, table_name: str):
        self.table_name = table_name
        self.dynamodb = boto3.client("dynamodb")
        self.events = boto3.client("events")
        self.sqs = boto3.client("sqs")
        self.streams = boto3.client("dynamodbstreams")
        self.iterators: dict[str, str] = {}
        self.work_queues: dict[str, str] = {}  # work queue name -> URL

    def items(self) -> list[dict]:
        return self.dynamodb.scan(TableName=self.table_name)["Items"]

    def stream_records(self) -> list[dict]:
        """Records written since the last call (moto keeps the stream in process)."""
        arn = self.dynamodb.describe_table(TableName=self.table_name)["Table"]["LatestStreamArn"]
        records = []
        for shard in self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            iterator = self.iterators.get(shard["ShardId"]) or self.streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            page = self.streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            self.iterators[shard["ShardId"]] = page["NextShardIterator"]
        return records

    @property
    def stream_arn(self) -> str:
        return self.dynamodb.describe_table(TableName=self.table_name)["Table"]["LatestStreamArn"]

    def capture_bus(self, source: str) -> str:
        """A queue that receives every event of `source` on the bus, to see what was published."""
        url = self.sqs.create_queue(QueueName=f"capture-{source.replace('.', '-')}")["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.events.put_rule(Name=f"capture-{source.replace('.', '-')}", EventBusName="omni-test", EventPattern=json.dumps({"source": [source]}))
        self.events.put_targets(Rule=f"capture-{source.replace('.', '-')}", EventBusName="omni-test", Targets=[{"Id": "q", "Arn": arn}])
        return url

    def captured(self, url: str) -> list[dict]:
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message["Body"]) for message in messages]

    def work(self, queue: str) -> list[dict]:
        """SQS event batches of what was sent to the work queue `queue` (e.g. LocationRecompute) since the last call."""
        url = self.work_queues[queue]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        batches = []
        while messages := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]).get("Messages", []):
            batches.append({"Records": [lambda_message(message, arn) for message in messages]})
            self.sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)])
        return batches


WORK_QUEUES = ("LocationRecompute",)  # the OnQueue functions' queues, by the name senders use


@contextlib.contextmanager
def moto_domain(cdk_out, domain: str, table_name: str):
    with mock_aws():
        create_domain_table(boto3.client("dynamodb"), cdk_out, domain, table_name)
        boto3.client("events").create_event_bus(Name="omni-test")
        queues = {name: boto3.client("sqs").create_queue(QueueName=f"work-{name}")["QueueUrl"] for name in WORK_QUEUES}
        with domain_environment(table_name, QUEUE_URLS=json.dumps(queues)):
            found = Domain(table_name)
            found.work_queues = queues
            yield found
