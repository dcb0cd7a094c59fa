"""Ops: operator routes on the platform itself (redrive of parked outbox batches). No table."""

from omni_infra.domains.base import DomainData, DomainServices, DomainSpec, api

SPEC = DomainSpec(
    name="ops",
    # 25 s: up to 25 parked batches of 100 records per call, inside API Gateway's 29 s.
    functions=(api("ops.handlers.api.handler", redrives_outboxes=True, timeout_seconds=25),),
)


class OpsData(DomainData):
    spec = SPEC


class OpsServices(DomainServices):
    spec = SPEC
