"""Inventory table stream → inventory events on the bus."""

from inventory.logic.events import events_from_change
from kernel.outbox import StreamOutbox

outbox = StreamOutbox(source="omni.inventory", mapper=events_from_change)  # ops.logic.redrive republishes through it
handler = outbox.handler()
