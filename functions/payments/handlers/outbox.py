"""Payments table stream → payments events on the bus."""

from kernel.outbox import StreamOutbox
from payments.logic.events import events_from_change

outbox = StreamOutbox(source="omni.payments", mapper=events_from_change)  # ops.logic.redrive republishes through it
handler = outbox.handler()
