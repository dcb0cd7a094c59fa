"""Knowing when the system has settled, for `Runtime.wait_idle()`.

Deliveries (HTTP calls, event deliveries with their retries, stream and queue batches) count as busy
while they run. Pollers report each poll that found nothing. The system is idle when nothing is busy
and every poller has made an empty poll that *started* after the last delivery ended: any write that
delivery made would have been seen by that poll. Messages a queue keeps invisible until their
visibility timeout ends are not pending work by this definition.

Each piece of busy work says what it is (`busy("HTTP POST /v1/checkout")`), so a `wait_idle` that times
out names what was still running and for how long, and which pollers had not settled.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time


class Activity:
    def __init__(self):
        self._cond = threading.Condition()
        self._busy = 0
        self._running: dict[int, tuple[str, float]] = {}  # token -> (what, since when)
        self._tokens = itertools.count(1)
        self._last_change = time.monotonic()
        self._empty_poll: dict[str, float] = {}  # poller -> start time of its last empty poll
        self._wake = threading.Condition()
        self._wake_generation = 0

    @contextlib.contextmanager
    def busy(self, what: str = "work"):
        token = self.begin(what)
        try:
            yield
        finally:
            self.end(token)

    def begin(self, what: str = "work") -> int:
        """Busy until `end(token)`: for work handed between threads (an event queued for delivery)."""
        with self._cond:
            self._busy += 1
            token = next(self._tokens)
            self._running[token] = (what, time.monotonic())
        return token

    def note(self, token: int, what: str) -> None:
        """Say what running work is doing now (a delivery waiting for its retry)."""
        with self._cond:
            if token in self._running:
                self._running[token] = (what, self._running[token][1])

    def end(self, token: int) -> None:
        with self._cond:
            self._busy -= 1
            self._running.pop(token, None)
            self._last_change = time.monotonic()
            self._cond.notify_all()
        self.poke()  # what it wrote may show up in a stream: poll now rather than at the next tick

    def running(self) -> list[str]:
        """What is busy now, oldest first: `event omni.orders/OrderPlaced → ProfilesOrderEvents (for 2.1 s)`."""
        now = time.monotonic()
        with self._cond:  # re-entrant: wait_idle's report calls it holding the lock
            return [f"{what} (for {now - since:.1f} s)" for what, since in sorted(self._running.values(), key=lambda entry: entry[1])]

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
                    late = sorted(p for p, t in self._empty_poll.items() if t <= max(since, self._last_change))
                    raise TimeoutError(self._not_idle(timeout, late))
                self._cond.release()
                try:
                    self.poke()
                finally:
                    self._cond.acquire()
                self._cond.wait(min(remaining, 0.05))

    def _not_idle(self, timeout: float, late: list[str]) -> str:
        lines = [f"not idle after {timeout} s: {self._busy} running, {len(late)} pollers not settled"]
        lines += [f"  running: {entry}" for entry in self.running()]
        lines += [f"  not settled: {poller}" for poller in late]
        return "\n".join(lines)
