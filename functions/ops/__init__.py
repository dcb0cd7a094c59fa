"""Operations: what an operator does to the platform itself (republishing parked outbox batches)."""
