"""The console: one readable line per delivery, and the functions' own logs prefixed by their name.

Every line the runtime prints goes through here, so the format lives in one place:

    HTTP POST /v1/adjustments → InventoryApi 201 (12 ms)
    event omni.inventory/StockChanged → rule InventoryProjectionRule → InventoryProjection ok (8 ms)
    stream inventory-table batch of 3 → InventoryOutbox ok (1 failed → retry from 0004)
    → DLQ InventoryOutboxDlq
"""

from __future__ import annotations

import re
import sys
import threading
from typing import TextIO

_lock = threading.Lock()
_CDK_HASH = re.compile(r"(?<=.)[0-9A-F]{8}$")


def short(name: str) -> str:
    """A logical id without the 8-character hash CDK appends: InventoryApi1CCC2F18 -> InventoryApi."""
    return _CDK_HASH.sub("", name)


class Console:
    def __init__(self, stream: TextIO | None = None, function_logs: bool = True, traces: bool = True):
        self.output = stream
        self.function_logs = function_logs
        self.traces = traces
        self._last_trouble: dict[str, str] = {}

    def _write(self, line: str) -> None:
        stream = self.output or sys.stdout
        with _lock:
            try:
                stream.write(line + "\n")
                stream.flush()
            except (ValueError, OSError):  # the stream was closed under us (pytest capture ending)
                pass

    def log(self, function: str, line: str) -> None:
        if self.function_logs:
            self._write(f"  [{short(function)}] {line}")

    def line(self, text: str) -> None:
        if self.traces:
            self._write(text)

    # ---- one method per kind of delivery -----------------------------------------------------------

    def http(self, method: str, path: str, target: str, status: int, ms: float, note: str = "") -> None:
        self.line(f"HTTP {method} {path} → {short(target)} {status} ({ms:.0f} ms){' ' + note if note else ''}")

    def event(self, source: str, detail_type: str, rule: str, target: str, outcome: str) -> None:
        self.line(f"event {source}/{detail_type} → rule {short(rule)} → {short(target)} {outcome}")

    def unmatched(self, source: str, detail_type: str, bus: str) -> None:
        self.line(f"event {source}/{detail_type} on {bus}: no rule matched")

    def schedule(self, rule: str, target: str, outcome: str) -> None:
        self.line(f"schedule {short(rule)} → {short(target)} {outcome}")

    def stream(self, table: str, size: int, function: str, outcome: str) -> None:
        self.line(f"stream {short(table)} batch of {size} → {short(function)} {outcome}")

    def queue(self, queue: str, size: int, function: str, outcome: str) -> None:
        self.line(f"queue {short(queue)} batch of {size} → {short(function)} {outcome}")

    def dead_letter(self, destination: str, why: str) -> None:
        self.line(f"  → DLQ {short(destination)} ({why})")

    def lost(self, what: str, why: str) -> None:
        self.line(f"  !! DROPPED {what}: {why} (no dead-letter queue or on-failure destination configured)")

    def invoke(self, function: str, outcome: str) -> None:
        self.line(f"invoke {short(function)} {outcome}")

    def trouble(self, where: str, error: BaseException) -> None:
        """A poller's error, printed once until it changes (they retry every few hundred ms)."""
        text = f"{where}: {error!r}"
        if self._last_trouble.get(where) != text:
            self._last_trouble[where] = text
            self.line(f"!! {text}")

    def recovered(self, where: str) -> None:
        if self._last_trouble.pop(where, None):
            self.line(f"{where}: recovered")


def outcome(invocation) -> str:
    """`ok (12 ms)` or `failed: KeyError: 'x' (12 ms)`."""
    ms = f"({invocation.duration_ms:.0f} ms)"
    return f"ok {ms}" if invocation.ok else f"failed: {invocation.describe_error()} {ms}"
