"""Profiles' ProfileErased → the erased person's orders lose their personal data, their carts go."""

from __future__ import annotations

from kernel.consumer import event_handler
from kernel.envelope import Envelope
from orders.logic import erasure
from profiles.models.events import ProfileErased


def _erased(event: Envelope) -> None:
    erased = event.unwrap(ProfileErased)
    erasure.erase(erased.profile_id, erased.order_ids, erased.customer_ids, erased.at)


handler = event_handler({"ProfileErased": _erased})
