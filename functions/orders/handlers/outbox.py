"""Orders table stream → orders events on the bus."""

from kernel.outbox import StreamOutbox
from orders.logic.events import events_from_change

outbox = StreamOutbox(source="omni.orders", mapper=events_from_change)  # ops.logic.redrive republishes through it
handler = outbox.handler()
