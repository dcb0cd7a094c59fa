"""The two background shapes of the runtime: a loopback HTTP server, and a poller that reports
whether it found work so that `wait_idle` knows when everything has settled."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (port 0: any free port), run in a daemon thread."""

    def __init__(self, handler_class: type[BaseHTTPRequestHandler], port: int, name: str):
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler_class)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name=name)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Poller(ABC):
    """Calls `poll_once()` every `interval` seconds until stopped. A failure is reported once per
    streak and counts as work, so wait_idle never reports idle over a failing poller."""

    def __init__(self, name: str, console, activity, interval: float):
        self.name, self.console, self.activity, self.interval = name, console, activity, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=name.replace(":", "-"))

    @abstractmethod
    def poll_once(self) -> bool:
        """One round; True if anything was found or is still pending."""

    def start(self) -> None:
        self.activity.register(self.name)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                worked = self.poll_once()
                self.console.recovered(self.name)
            except Exception as error:  # a hiccup of the emulated service: report once, keep polling
                self.console.trouble(self.name, error)
                worked = True
            if worked:
                self.activity.polled_something(self.name)
            else:
                self.activity.polled_empty(self.name, started)
            if not self._stop.is_set():
                self.activity.sleep(self.interval)
