"""The runtime's EventBridge: an endpoint for the functions' boto3 (AWS_ENDPOINT_URL_EVENTS) and the
routing of put events to the targets of every matching rule.

Every call is forwarded to moto unchanged, so moto stays the record of buses and archives and
answers with its own event ids and errors. For a PutEvents that moto accepted, each accepted entry is
turned into the event EventBridge would deliver (with `account`, which moto leaves out) and handed
to the targets of every enabled rule on its bus whose pattern matches, asynchronously.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections import deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

from omni_local.delivery import AsyncDelivery, Delivery
from omni_local.grants import refused_sources
from omni_local.loops import LoopbackServer
from omni_local.patterns import matches, target_input
from omni_local.physical import ACCOUNT, REGION, bus_name
from omni_local.rules import Rule

_FORWARDED = ("Content-Type", "X-Amz-Target", "Authorization", "X-Amz-Date", "X-Amz-Security-Token")


def build_event(entry: dict, event_id: str) -> dict:
    """The event a target receives for one PutEvents entry."""
    when = entry.get("Time")
    moment = datetime.fromtimestamp(float(when), UTC) if isinstance(when, (int, float)) else datetime.now(UTC)
    detail = entry.get("Detail") or "{}"
    return {
        "version": "0",
        "id": event_id,
        "detail-type": entry.get("DetailType", ""),
        "source": entry.get("Source", ""),
        "account": ACCOUNT,
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": entry.get("Resources") or [],
        "detail": json.loads(detail) if isinstance(detail, str) else detail,
    }


class EventRouter:
    def __init__(self, rules: list[Rule], delivery: AsyncDelivery, console, history: int = 10_000):
        self.rules = [rule for rule in rules if rule.pattern is not None]
        self.delivery, self.console = delivery, console
        # The last events routed, oldest first: what tests count deliveries by (e.g. envelope ids).
        self.history: deque[dict] = deque(maxlen=history)

    def publish(self, event: dict, bus: str = "default") -> list[str]:
        """Hand `event` to every matching rule's targets; the names of the rules that matched."""
        self.history.append(event)
        matched = [r for r in self.rules if r.enabled and r.bus == bus and matches(r.pattern, event)]
        if not matched:
            self.console.unmatched(event.get("source", ""), event.get("detail-type", ""), bus)
        for rule in matched:
            for target in rule.targets:
                self.delivery.submit(
                    Delivery(
                        target_arn=target.arn,
                        payload=target_input(target.spec, event),
                        report=self._reporter(rule, event),
                        dead_letter_arn=target.dead_letter_arn,
                        attributes={"RULE_ARN": rule.arn, "TARGET_ARN": target.arn},
                    )
                )
        return [rule.logical_id for rule in matched]

    def route_to_bus(self, event: dict, bus_arn: str) -> None:
        self.publish(event, bus_name(bus_arn))

    def _reporter(self, rule: Rule, event: dict):
        def report(target: str, outcome: str) -> None:
            self.console.event(event.get("source", ""), event.get("detail-type", ""), rule.logical_id, target, outcome)

        return report


class EventsEndpoint(LoopbackServer):
    """An HTTP endpoint speaking EventBridge's JSON 1.1 protocol, in front of moto.

    `down = True` (a fault switch for tests and `POST /_local/faults`) answers every PutEvents with a
    500 InternalException, as an EventBridge outage would, and routes nothing. A function's PutEvents
    with a source its role's grants do not allow is refused with AccessDeniedException, as IAM would."""

    def __init__(self, moto_endpoint: str, router: EventRouter, activity, port: int = 0):
        self.moto_endpoint, self.router, self.activity = moto_endpoint.rstrip("/"), router, activity
        self.down = False
        self.put_sources: dict = {}  # function logical id -> sources its grants allow (omni_local.grants)
        super().__init__(self._handler_class(), port, "events-endpoint")

    def handle(self, target: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.down and target.endswith(".PutEvents"):
            return 500, json.dumps({"__type": "InternalException", "message": "injected fault: EventBridge is down"}).encode()
        if target.endswith(".PutEvents"):
            denied = self._denied(body, headers)
            if denied:
                return 400, json.dumps({"__type": "AccessDeniedException", "message": denied}).encode()
        status, answer = self._forward(body, headers)
        if status == 200 and target.endswith(".PutEvents"):
            with self.activity.busy("PutEvents routing"):  # routing enqueues deliveries; count it until they are queued
                self._route(json.loads(body or b"{}"), json.loads(answer or b"{}"))
        return status, answer

    def _denied(self, body: bytes, headers: dict[str, str]) -> str | None:
        """Why IAM would refuse this PutEvents (an entry's source the caller's grants do not allow)."""
        match = re.search(r"Credential=([^/,\s]+)/", headers.get("Authorization", ""))
        sources = [entry.get("Source", "") for entry in json.loads(body or b"{}").get("Entries") or []]
        refused = refused_sources(match.group(1) if match else "", sources, self.put_sources)
        if not refused:
            return None
        return f"{match.group(1)} is not authorized to perform: events:PutEvents with events:source {', '.join(refused)}"

    def _forward(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(self.moto_endpoint + "/", data=body, method="POST", headers={k: v for k, v in headers.items() if k in _FORWARDED})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def _route(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        for entry, result in zip(request.get("Entries") or [], response.get("Entries") or [], strict=False):
            if result.get("EventId"):
                self.router.publish(build_event(entry, result["EventId"]), bus_name(entry.get("EventBusName")))

    def _handler_class(self):
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name: value for name, value in self.headers.items()}
                headers = {_canonical(name): value for name, value in headers.items()}
                status, answer = endpoint.handle(self.headers.get("X-Amz-Target", ""), body, headers)
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:  # the trace says what matters
                pass

        return Handler


def _canonical(name: str) -> str:
    lower = name.lower()
    return next((known for known in _FORWARDED if known.lower() == lower), name)
