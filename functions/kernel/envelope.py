"""The one envelope every Omni event travels in, and the base class of every event's data."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from kernel.model import Model


class DomainEvent(Model):
    """Data of one event type. Subclasses set TYPE and VERSION; a new version may only add optional
    fields (tests/contract enforces it), so a consumer written for an older version keeps working."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1


E = TypeVar("E", bound=DomainEvent)


class Envelope(BaseModel):
    """EventBridge `detail` of every Omni event (built at import: every event function uses it)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    type: str
    version: int
    source: str
    time: datetime
    correlation_id: str | None = None
    data: dict[str, Any]

    @classmethod
    def wrap(cls, event: DomainEvent, *, id: str, source: str, time: datetime, correlation_id: str | None) -> Envelope:
        return cls(
            id=id,
            type=event.TYPE,
            version=event.VERSION,
            source=source,
            time=time,
            correlation_id=correlation_id,
            data=event.model_dump(mode="json"),
        )

    def unwrap(self, model: type[E]) -> E:
        return model.model_validate(self.data)
