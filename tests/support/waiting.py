"""Waiting for what the local runtime delivers asynchronously (streams, rules, queues)."""

from __future__ import annotations

import time


def eventually(check, timeout: float = 15.0, interval: float = 0.1):
    """Call `check` until it returns something truthy or `timeout` seconds pass; its last result."""
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(interval)
    return result
