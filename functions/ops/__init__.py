"""Operations: what an operator does to the platform itself (republishing parked outbox batches)."""

import kernel.startup  # noqa: F401  first of all: the init runs without the garbage collector (decision 70)
