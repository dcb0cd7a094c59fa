"""Operator routes on the platform itself: thin, the rules are in ops.logic."""

from __future__ import annotations

from kernel.api import create_app, lambda_handler
from kernel.auth import OPERATOR
from kernel.lazy import on_first_use

# Imported on the first request of a route that uses them (kernel.lazy, decision 70), not by the init.
redrive = on_first_use(globals(), "ops.logic", "redrive")
RedriveIn, RedriveResult = on_first_use(globals(), "ops.models.redrive", "RedriveIn", "RedriveResult")

app = create_app()
TAGS = ["ops"]


@app.post(
    "/v1/ops/redrive",
    tags=TAGS,
    summary="Republish stream batches the outboxes gave up on (EventBridge down longer than the stream retries)",
    description=(
        "Takes up to `limit` parked batches, oldest first, publishes their events again through their domain's outbox "
        "(same event ids, so consumers dedupe) and removes each batch once all its events are on the bus. Call again "
        "until `remaining` is 0; `python tools/omni_cli.py redrive` does."
    ),
    **OPERATOR,
)
def post_redrive(body: RedriveIn) -> RedriveResult:
    return redrive.redrive(body.limit)


handler = lambda_handler(app)
