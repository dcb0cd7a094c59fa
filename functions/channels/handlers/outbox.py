"""Channels table stream (the webhook inbox) → channels events on the bus."""

from channels.logic.events import events_from_change
from kernel.outbox import StreamOutbox

outbox = StreamOutbox(source="omni.channels", mapper=events_from_change)  # ops.logic.redrive republishes through it
handler = outbox.handler()
