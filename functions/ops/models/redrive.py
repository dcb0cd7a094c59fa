"""The redrive of parked outbox batches: what an operator asks for, and what was done."""

from __future__ import annotations

from pydantic import ConfigDict, Field, StrictInt

from kernel.model import Model

# A batch holds at most 100 stream records (the mapping's batch size): 25 batches are at most
# 250 PutEvents calls, well inside the API's 29 s.
MAX_BATCHES_PER_CALL = 25


class RedriveIn(Model):
    model_config = ConfigDict(extra="forbid")

    limit: StrictInt = Field(10, ge=1, le=MAX_BATCHES_PER_CALL, description="parked batches to republish in this call")


class ParkedFailure(Model):
    key: str = Field(description="the parked batch's object key (it stays parked)")
    reason: str


class RedriveResult(Model):
    redriven: int = Field(description="parked batches whose events were all published again, then removed")
    records: int = Field(description="stream records in those batches")
    failed: list[ParkedFailure] = Field(description="batches that could not be republished; they stay parked")
    remaining: int = Field(description="batches still parked after this call (failed ones included)")
