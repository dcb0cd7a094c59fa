"""Knowing when the system has settled, for `Runtime.wait_idle()`.

Deliveries (HTTP calls, event deliveries with their retries, stream and queue batches) count as busy
while they run. Pollers report each poll that found nothing. The system is idle when nothing is busy
and every poller has made an empty poll that *started* after the last delivery ended: any write that
delivery made would have been seen by that poll. Messages a queue keeps invisible until their
visibility timeout ends are not pending work by this definition.
"""

from __future__ import annotations

import contextlib
import threading
import time


class Activity:
    def __init__(self):
        self._cond = threading.Condition()
        self._busy = 0
        self._last_change = time.monotonic()
        self._empty_poll: dict[str, float] = {}  # poller -> start time of its last empty poll
        self._wake = threading.Condition()
        self._wake_generation = 0

    @contextlib.contextmanager
    def busy(self):
        with self._cond:
            self._busy += 1
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                self._last_change = time.monotonic()
                self._cond.notify_all()
            self.poke()  # what it wrote may show up in a stream: poll now rather than at the next tick

    def begin(self) -> None:
        """Busy until `end()`: for work handed between threads (an event queued for delivery)."""
        with self._cond:
            self._busy += 1

    def end(self) -> None:
        with self._cond:
            self._busy -= 1
            self._last_change = time.monotonic()
            self._cond.notify_all()
        self.poke()

    def register(self, poller: str) -> None:
        with self._cond:
            self._empty_poll[poller] = float("-inf")

    def polled_empty(self, poller: str, started: float) -> None:
        with self._cond:
            self._empty_poll[poller] = started
            self._cond.notify_all()

    def polled_something(self, poller: str) -> None:
        with self._cond:
            self._last_change = time.monotonic()

    def sleep(self, seconds: float) -> None:
        """A poller's pause between polls, cut short by `poke()` (something happened, or someone waits)."""
        with self._wake:
            generation = self._wake_generation
            self._wake.wait_for(lambda: self._wake_generation != generation, seconds)

    def poke(self) -> None:
        with self._wake:
            self._wake_generation += 1
            self._wake.notify_all()

    def idle(self, since: float) -> bool:
        with self._cond:
            return self._idle_locked(since)

    def _idle_locked(self, since: float) -> bool:
        floor = max(since, self._last_change)
        return self._busy == 0 and all(started > floor for started in self._empty_poll.values())

    def wait_idle(self, timeout: float = 10.0) -> None:
        since = time.monotonic()
        deadline = since + timeout
        with self._cond:
            while not self._idle_locked(since):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    busy = self._busy
                    late = sorted(p for p, t in self._empty_poll.items() if t <= max(since, self._last_change))
                    raise TimeoutError(f"not idle after {timeout} s: {busy} deliveries running, pollers not settled: {late}")
                self._cond.release()
                try:
                    self.poke()
                finally:
                    self._cond.acquire()
                self._cond.wait(min(remaining, 0.05))
