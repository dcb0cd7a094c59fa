"""Domain tables' primitives, for every domain's dal: transactions that report why they failed,
consistent batched reads and queries, and conversions between stored and plain values. No keys here.

A dal names the table it belongs to, `Table("inventory")`; the function's environment says which table
that is (kernel.settings: its own TABLE_NAME, or TABLES for a function that writes to another domain's
table). Operations carry their table, so one `transact` and one `batch_get` span several tables: the
owner of a table builds its operations, another domain only composes them (decision 32)."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError
from pydantic import BaseModel

from kernel.aws import dynamodb
from kernel.settings import settings

M = TypeVar("M", bound=BaseModel)

MAX_TRANSACTION_ITEMS = 100
_CONFLICT_RETRIES = 8
_deserialize = TypeDeserializer().deserialize


@dataclass(frozen=True)
class Reason:
    code: str | None  # ConditionalCheckFailed, TransactionConflict, None (this item was fine)
    item: dict | None  # the item as it was, when its condition failed


class Rejected(Exception):
    """A transaction was refused by a condition: `reasons` line up with the operations, whatever
    table each is on."""

    def __init__(self, reasons: list[Reason]):
        super().__init__([reason.code for reason in reasons])
        self.reasons = reasons

    def failed(self) -> list[int]:
        return [i for i, reason in enumerate(self.reasons) if reason.code == "ConditionalCheckFailed"]


def plain(value: Any) -> Any:
    """Stored values back to Python: whole numbers as int, others as float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, set):
        return sorted(plain(item) for item in value)
    return value


def as_model(model: type[M], item: dict) -> M:
    """A stored item as a model: the item's bookkeeping attributes (keys, indexes, seq, ttl…) are left out."""
    return model.model_validate({name: value for name, value in item.items() if name in model.model_fields})


def stored(value: Any) -> Any:
    """Python values as DynamoDB takes them: floats become Decimal."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: stored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stored(item) for item in value]
    return value


def transact(operations: list[dict]) -> None:
    """One atomic write. Conflicts with concurrent transactions are retried here; a failed condition
    raises Rejected with the old item of each failed operation, for the logic to decide."""
    if not operations:
        return
    if len(operations) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"a transaction takes at most {MAX_TRANSACTION_ITEMS} items")
    for attempt in range(_CONFLICT_RETRIES):
        try:
            dynamodb().transact_write_items(TransactItems=operations)
            return
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [Reason(code=None if r.get("Code") in (None, "None") else r["Code"], item=plain_typed(r.get("Item"))) for r in error.response.get("CancellationReasons", [])]
            if any(reason.code == "ConditionalCheckFailed" for reason in reasons) or attempt == _CONFLICT_RETRIES - 1:
                raise Rejected(reasons) from error
            time.sleep(random.uniform(0, 0.01 * 2**attempt))  # a conflict: back off and try again


def plain_typed(item: dict | None) -> dict[str, Any] | None:
    """An item in DynamoDB's typed JSON as plain values, None when absent: stream images, and the old items
    of error responses (boto3's resource layer does not transform those)."""
    return {name: plain(_deserialize(value)) for name, value in item.items()} if item else None


def _operation(table_name: str, operation: dict, kind: str) -> dict:
    body = {"TableName": table_name, "ReturnValuesOnConditionCheckFailure": "ALL_OLD", **operation}
    return {kind: {key: value for key, value in body.items() if value not in (None, {}, "")}}


@dataclass(frozen=True)
class Table:
    """One domain's table, named by its domain; `Table(None)` is the function's own table (TABLE_NAME)."""

    domain: str | None = None

    @property
    def name(self) -> str:
        return settings().table_of(self.domain)

    def put(self, item: dict, condition: str | None = None, values: dict | None = None, names: dict | None = None) -> dict:
        return _operation(self.name, {"Item": item, "ConditionExpression": condition, "ExpressionAttributeValues": values, "ExpressionAttributeNames": names}, "Put")

    def update(self, key: dict, expression: str, condition: str | None = None, values: dict | None = None, names: dict | None = None) -> dict:
        return _operation(
            self.name,
            {"Key": key, "UpdateExpression": expression, "ConditionExpression": condition, "ExpressionAttributeValues": values, "ExpressionAttributeNames": names},
            "Update",
        )

    def delete(self, key: dict, condition: str | None = None, values: dict | None = None) -> dict:
        return _operation(self.name, {"Key": key, "ConditionExpression": condition, "ExpressionAttributeValues": values}, "Delete")

    def check(self, key: dict, condition: str = "attribute_exists(pk)", values: dict | None = None, names: dict | None = None) -> dict:
        return _operation(self.name, {"Key": key, "ConditionExpression": condition, "ExpressionAttributeValues": values, "ExpressionAttributeNames": names}, "ConditionCheck")

    def put_now(self, item: dict, condition: str | None = "attribute_not_exists(pk)", values: dict | None = None) -> bool:
        """One put outside a transaction (conditional unless `condition` is None); False when the condition refused it."""
        arguments = {"TableName": self.name, "Item": item}
        if condition:
            arguments["ConditionExpression"] = condition
        if values:
            arguments["ExpressionAttributeValues"] = values
        try:
            dynamodb().put_item(**arguments)
            return True
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise

    def update_now(self, key: dict, expression: str, condition: str | None = None, values: dict | None = None, names: dict | None = None) -> dict | None:
        """One update outside a transaction; the item after it, or None when the condition failed."""
        arguments = {"TableName": self.name, "Key": key, "UpdateExpression": expression, "ReturnValues": "ALL_NEW"}
        for name, value in (("ConditionExpression", condition), ("ExpressionAttributeValues", values), ("ExpressionAttributeNames", names)):
            if value:
                arguments[name] = value
        try:
            return plain(dynamodb().update_item(**arguments)["Attributes"])
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None
            raise

    def get(self, key: dict) -> dict | None:
        item = dynamodb().get_item(TableName=self.name, Key=key, ConsistentRead=True).get("Item")
        return plain(item) if item else None

    def batch_get(self, keys: Sequence[dict]) -> list[dict]:
        """Consistent reads of many items of this table (see the module's batch_get for several tables)."""
        return batch_get({self: keys})[self]

    def delete_now(self, key: dict) -> bool:
        """Delete one item outside a transaction; False when there was none."""
        answer = dynamodb().delete_item(TableName=self.name, Key=key, ReturnValues="ALL_OLD")
        return bool(answer.get("Attributes"))

    def query_page(self, pk: str, *, index: str | None = None, limit: int = 50, start: dict | None = None, newest_first: bool = False) -> tuple[list[dict], dict | None]:
        """One page of a partition (of the table or of an index): the items and the key to continue from."""
        pk_name = "pk" if index is None else f"{index}pk"
        arguments = {
            "TableName": self.name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": pk_name},
            "ExpressionAttributeValues": {":pk": pk},
            "Limit": limit,
            "ScanIndexForward": not newest_first,
        }
        if index is not None:
            arguments["IndexName"] = index
        if start:
            arguments["ExclusiveStartKey"] = start
        response = dynamodb().query(**arguments)
        return [plain(item) for item in response.get("Items", [])], response.get("LastEvaluatedKey")

    def query(self, pk: str, sk_prefix: str | None = None, index: str | None = None, sk_upto: str | None = None) -> list[dict]:
        """All items of one partition (optionally with a sort key prefix or upper bound), every page."""
        pk_name, sk_name = ("pk", "sk") if index is None else (f"{index}pk", f"{index}sk")
        expression = "#pk = :pk"
        values: dict = {":pk": pk}
        if sk_prefix is not None:
            expression += " AND begins_with(#sk, :sk)"
            values[":sk"] = sk_prefix
        elif sk_upto is not None:
            expression += " AND #sk <= :sk"
            values[":sk"] = sk_upto
        names = {"#pk": pk_name} | ({"#sk": sk_name} if ":sk" in values else {})
        arguments = {"TableName": self.name, "KeyConditionExpression": expression, "ExpressionAttributeValues": values, "ExpressionAttributeNames": names}
        if index is None:
            arguments["ConsistentRead"] = True
        else:
            arguments["IndexName"] = index
        items: list[dict] = []
        while True:
            response = dynamodb().query(**arguments)
            items.extend(plain(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def batch_get(reads: Mapping[Table, Sequence[dict]]) -> dict[Table, list[dict]]:
    """Consistent reads of many items of one or several tables: one BatchGetItem per 100 keys in all
    (plus retries of unprocessed keys); the items found, by table."""
    wanted = [(table.name, key) for table, keys in reads.items() for key in {(key["pk"], key["sk"]): key for key in keys}.values()]
    tables = {table.name: table for table in reads}
    found: dict[Table, list[dict]] = {table: [] for table in reads}
    for start in range(0, len(wanted), 100):
        request: dict | None = {}
        for name, key in wanted[start : start + 100]:
            request.setdefault(name, {"Keys": [], "ConsistentRead": True})["Keys"].append(key)
        while request:
            response = dynamodb().batch_get_item(RequestItems=request)
            for name, items in response["Responses"].items():
                found[tables[name]].extend(plain(item) for item in items)
            request = response.get("UnprocessedKeys") or None
    return found


# The function's own table, for a dal that is only ever used by its own domain's functions.
OWN = Table()
put, update, delete, check, get, query = OWN.put, OWN.update, OWN.delete, OWN.check, OWN.get, OWN.query
put_now, update_now, delete_now, query_page = OWN.put_now, OWN.update_now, OWN.delete_now, OWN.query_page
