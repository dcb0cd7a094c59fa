"""What the local runtime puts on the omni bus, seen from a test: a moto rule into a moto queue."""

from __future__ import annotations

import contextlib
import json


@contextlib.contextmanager
def tapped(runtime, name: str, source: str, detail_type: str):
    """Every `detail_type` event of `source` put on the omni bus from now on: yields a function that
    returns the data of those received since its last call (waiting up to 1 s for one)."""
    sqs, events = runtime.client("sqs"), runtime.client("events")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = next(bus["Name"] for bus in events.list_event_buses()["EventBuses"] if bus["Name"].startswith("omni-"))
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps({"source": [source], "detail-type": [detail_type]}))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "queue", "Arn": arn}])

    def received() -> list[dict]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        return [json.loads(message["Body"])["detail"]["data"] for message in messages]

    try:
        yield received
    finally:
        events.remove_targets(Rule=name, EventBusName=bus, Ids=["queue"])
        events.delete_rule(Name=name, EventBusName=bus)
        sqs.delete_queue(QueueUrl=url)
