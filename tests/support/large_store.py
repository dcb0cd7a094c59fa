"""A store with thousands of SKUs on DynamoDB Local, closed, and its LocationChanged driven through the
real handlers: the projection fans the SKUs out to the work queue (a moto server), and the queue's
consumer runs batch by batch as Lambda's SQS mapping would. Used by tests/reliability and `make bench`."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from inventory.logic import locations
from inventory.models.location import LocationIn
from omni_local.queues import lambda_message

SAMPLE = Path(__file__).resolve().parents[2] / "events" / "samples" / "InventoryProjection" / "location-changed.json"
STORE = LocationIn(name="Big store", kind="store", address={"lines": ["1 Big Street"], "city": "Lille", "country": "FR"})


def seed(table_name: str, endpoint: str, location_id: str, sku_count: int, on_hand: int = 3) -> list[str]:
    """An open store serving web, and `sku_count` SKUs stocked there, each with its availability row
    (web promised `on_hand`) — written directly with batch writes, as an import of a big store would."""
    locations.save(location_id, STORE)
    locations.serve(location_id, "web", True, {"web"})
    table = boto3.resource("dynamodb", endpoint_url=endpoint).Table(table_name)
    skus = [f"BIG-{number:05d}" for number in range(sku_count)]
    with table.batch_writer() as batch:
        for sku in skus:
            batch.put_item(Item={"pk": f"SKU#{sku}", "sk": "CONFIG", "type": "sku", "sku": sku, "product_id": "big", "shards": 1, "seq": 1})
            batch.put_item(
                Item={
                    "pk": f"SKU#{sku}", "sk": f"STOCK#{location_id}#000", "type": "stock", "sku": sku, "location_id": location_id,
                    "shard": 0, "on_hand": on_hand, "held": 0, "unavailable": 0, "safety": 0, "available": on_hand, "seq": 1,
                    "gsi2pk": f"LOC#{location_id}", "gsi2sk": f"{sku}#000",
                }
            )  # fmt: skip
            batch.put_item(
                Item={
                    "pk": f"SKU#{sku}", "sk": "AVAILABILITY", "type": "availability", "sku": sku, "channels": {"web": on_hand},
                    "locations": {location_id: on_hand}, "serving": {"web": [location_id]}, "basis": 0,
                }
            )  # fmt: skip
    return skus


def close(location_id: str) -> dict:
    """Close the store through the domain logic; the LocationChanged event the outbox would publish."""
    location = locations.save(location_id, STORE.model_copy(update={"open": False}))
    event = json.loads(SAMPLE.read_text())
    event["detail"]["data"] = {"location_id": location_id, "open": False, "channels": location.channels, "seq": location.seq}
    return event


@dataclass
class Drained:
    invocations: int = 0
    messages: int = 0
    durations: list[float] = field(default_factory=list)  # seconds per invocation


def drain(queue_url: str, handler, batch_size: int) -> Drained:
    """Deliver the queue to `handler` `batch_size` messages at a time until it is empty."""
    sqs = boto3.client("sqs", endpoint_url=queue_url.split("/000000000000/")[0])
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    done = Drained()
    while True:
        messages: list[dict] = []
        while len(messages) < batch_size:
            received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=min(10, batch_size - len(messages))).get("Messages", [])
            if not received:
                break
            messages += received
        if not messages:
            return done
        start = time.perf_counter()
        answer = handler({"Records": [lambda_message(message, arn) for message in messages]}, _Context())
        done.durations.append(time.perf_counter() - start)
        assert answer == {"batchItemFailures": []}, answer
        done.invocations += 1
        done.messages += len(messages)
        for message in messages:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def mapping_of(cdk_out: Path, handler: str) -> tuple[int, int]:
    """(BatchSize of the function's SQS mapping, the function's Timeout) from the synthesized template."""
    template = json.loads(next(cdk_out.glob("*stateless.template.json")).read_text())
    resources = template["Resources"]
    fn_id = next(k for k, v in resources.items() if v["Type"] == "AWS::Lambda::Function" and v["Properties"].get("Handler") == handler)
    (mapping,) = [v["Properties"] for v in resources.values() if v["Type"] == "AWS::Lambda::EventSourceMapping" and v["Properties"]["FunctionName"] == {"Ref": fn_id}]
    return int(mapping["BatchSize"]), int(resources[fn_id]["Properties"]["Timeout"])


class _Context:
    function_name = "InventoryLocationRecompute"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:InventoryLocationRecompute"
    aws_request_id = "large-store"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000
