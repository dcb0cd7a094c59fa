"""The bucket where stream mappings park the batches they gave up on (Lambda's S3 on-failure
destination): list, read and remove them. The only code that knows the bucket and its layout."""

from __future__ import annotations

from collections.abc import Iterator

from kernel.aws import client
from kernel.settings import settings

PREFIX = "aws/lambda/"  # Lambda's layout: aws/lambda/<mapping uuid>/<shard id>/YYYY/MM/DD/<time>-<uuid>


def keys() -> Iterator[str]:
    """Parked batches in key order: per mapping and shard, oldest first."""
    pages = client("s3").get_paginator("list_objects_v2").paginate(Bucket=settings().parked_bucket, Prefix=PREFIX)
    for page in pages:
        for item in page.get("Contents", []):
            yield item["Key"]


def read(key: str) -> bytes | None:
    """The on-failure record as Lambda wrote it (JSON: requestContext, DDBStreamBatchInfo, payload);
    None when it is gone (another redrive removed it after this one listed it)."""
    s3 = client("s3")
    try:
        return s3.get_object(Bucket=settings().parked_bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None


def remove(key: str) -> None:
    client("s3").delete_object(Bucket=settings().parked_bucket, Key=key)
