"""A channel's server for outbound tests: a local HTTP server that records what it receives and answers
with the status codes it is told to (e.g. [503, 503, 200]: fail twice, then accept)."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.received: list[dict] = []  # {"headers", "body"} of every request, accepted or not
        self.answers: list[int] = []  # the next answers, in order; 200 once they run out
        self.lock = threading.Lock()
        self.url = ""

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.answers.extend(statuses)

    @property
    def accepted(self) -> list[dict]:
        return [request["body"] for request in self.received if request["status"] < 300]


@contextlib.contextmanager
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                status = state.answers.pop(0) if state.answers else 200
                state.received.append({"headers": dict(self.headers), "raw": body, "body": json.loads(body), "status": status})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/omni/updates"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
