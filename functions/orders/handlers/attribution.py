"""Profiles' OrdersAttributed → the profile of each order and account (the highest version wins)."""

from __future__ import annotations

from kernel.consumer import event_handler
from kernel.envelope import Envelope
from orders.logic import attribution
from profiles.models.events import OrdersAttributed


def _attributed(event: Envelope) -> None:
    attribution.attribute(event.unwrap(OrdersAttributed))


handler = event_handler({"OrdersAttributed": _attributed})
