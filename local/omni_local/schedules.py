"""Scheduled rules: `rate(N minute(s)|hour(s)|day(s))` fire a "Scheduled Event" on that period, and
any schedule (cron ones included, which never fire by themselves locally) can be fired on demand."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import UTC, datetime

from omni_local.delivery import AsyncDelivery, Delivery
from omni_local.patterns import target_input
from omni_local.physical import ACCOUNT, REGION
from omni_local.rules import Rule

_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str | None) -> float | None:
    match = re.fullmatch(r"\s*rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)\s*", expression or "")
    return int(match.group(1)) * _UNITS[match.group(2)] if match else None


def scheduled_event(rule: Rule) -> dict:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [rule.arn],
        "detail": {},
    }


class Schedules:
    def __init__(self, rules: list[Rule], delivery: AsyncDelivery, console):
        self.rules = [rule for rule in rules if rule.schedule]
        self.delivery, self.console = delivery, console
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="schedules")

    def find(self, key: str) -> Rule:
        """A scheduled rule by logical id, name, or unique logical-id prefix."""
        exact = [r for r in self.rules if key in (r.logical_id, r.name)]
        found = exact or [r for r in self.rules if r.logical_id.startswith(key)]
        if len(found) != 1:
            raise KeyError(f"{key!r} names {len(found)} scheduled rules")
        return found[0]

    def fire(self, key: str) -> Rule:
        rule = self.find(key)
        event = scheduled_event(rule)
        for target in rule.targets:

            def report(label: str, outcome: str, name: str = rule.logical_id) -> None:
                self.console.schedule(name, label, outcome)

            self.delivery.submit(Delivery(target.arn, target_input(target.spec, event), report, target.dead_letter_arn, {"RULE_ARN": rule.arn, "TARGET_ARN": target.arn}))
        return rule

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        periodic = [(rule, rate_seconds(rule.schedule)) for rule in self.rules if rule.enabled]
        periodic = [(rule, period) for rule, period in periodic if period]
        due = {rule.logical_id: time.monotonic() + period for rule, period in periodic}
        while periodic and not self._stop.is_set():
            now = time.monotonic()
            for rule, period in periodic:
                if due[rule.logical_id] <= now:
                    due[rule.logical_id] = now + period
                    self.fire(rule.logical_id)
            self._stop.wait(max(0.05, min(due.values()) - time.monotonic()))
