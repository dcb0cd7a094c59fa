"""Catalog table stream → catalog events on the bus."""

from catalog.logic.events import events_from_change
from kernel.outbox import StreamOutbox

outbox = StreamOutbox(source="omni.catalog", mapper=events_from_change)  # ops.logic.redrive republishes through it
handler = outbox.handler()
