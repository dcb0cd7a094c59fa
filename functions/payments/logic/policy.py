"""Payments' configurable rules, from the function's environment (set in infra/omni_infra/domains/payments.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

DEFAULT_REFUND_ORDER = ("card", "wallet", "card_present", "cash", "gift_card", "store_credit")


@dataclass(frozen=True)
class Policy:
    auto_capture_channels: frozenset[str]  # channels whose card payments Stripe captures at once
    refund_order: tuple[str, ...]  # which tenders a refund gives money back to first

    def capture_method(self, channel: str) -> str:
        return "automatic" if channel in self.auto_capture_channels else "manual"


@cache
def policy() -> Policy:
    auto = os.environ.get("AUTO_CAPTURE_CHANNELS", "")
    order = os.environ.get("REFUND_ORDER", "")
    return Policy(
        auto_capture_channels=frozenset(name for name in auto.split(",") if name),
        refund_order=tuple(name for name in order.split(",") if name) or DEFAULT_REFUND_ORDER,
    )
