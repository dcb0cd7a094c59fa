"""Profiles table stream (graphs, ledger entries) → profiles events on the bus."""

from kernel.outbox import StreamOutbox
from profiles.logic.events import events_from_change

outbox = StreamOutbox(source="omni.profiles", mapper=events_from_change)  # ops.logic.redrive republishes through it
handler = outbox.handler()
