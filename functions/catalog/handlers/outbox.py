"""Catalog table stream → catalog events on the bus."""

from catalog.logic.events import events_from_change
from kernel.outbox import StreamOutbox

handler = StreamOutbox(source="omni.catalog", mapper=events_from_change).handler()
