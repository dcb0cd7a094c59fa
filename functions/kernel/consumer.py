"""EventBridge consumers: unwrap the envelope and route by event type.

Delivery is at least once and in any order, so every reaction must be idempotent and tolerate an
older event arriving after a newer one; the reactions get the whole envelope (id, time, version) for that.
An exception fails the invocation so that EventBridge retries it and, at the end, parks it in the DLQ.
"""

from __future__ import annotations

from collections.abc import Callable

from kernel.context import set_correlation_id
from kernel.envelope import Envelope
from kernel.observability import logger, observed

Reaction = Callable[[Envelope], None]


def event_handler(reactions: dict[str, Reaction]):
    @observed()
    def handler(event, context):
        envelope = Envelope.model_validate(event["detail"])
        set_correlation_id(envelope.correlation_id)
        logger.append_keys(event_id=envelope.id, event_type=envelope.type, correlation_id=envelope.correlation_id)
        reaction = reactions.get(envelope.type)
        if reaction is None:
            logger.warning("no reaction for event type; ignored")
            return
        reaction(envelope)

    return handler
