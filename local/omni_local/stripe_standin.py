"""A local stand-in for Stripe's API at the HTTP boundary: the real `stripe` SDK talks to it (through
STRIPE_API_BASE), and it posts signed webhook events back to Omni as Stripe does.

It keeps PaymentIntents in memory and implements what Omni uses: create (with capture_method), retrieve,
confirm (what Stripe.js does on the shopper's device: `pm_card_visa` succeeds, `pm_card_chargeDeclined`
fails), capture (full or partial), cancel, and refunds; it checks the secret API key and honours
Idempotency-Key like Stripe (same key and parameters → the first answer, other parameters → 400).
Every state change becomes an event (payment_intent.amount_capturable_updated, .succeeded,
.payment_failed, .canceled, charge.refunded, charge.dispute.created and .closed), delivered to `webhook_url` with a Stripe-Signature header
(`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`) and retried on any non-2xx answer, as Stripe does.
`sent` keeps every event so tests can replay them.

`failing(mode)` makes the API fail as Stripe can while it lasts: an HTTP status (500, 503, 429, 401, or 402
for a card declined on the call), "drop" (the connection closes unanswered) or "slow" (no answer before
the client's timeout).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

DELIVERY_ATTEMPTS = 5
FAILURE_KINDS = {401: "authentication_error", 402: "card_error", 429: "rate_limit_error"}  # other statuses: api_error


class StripeError(Exception):
    def __init__(self, status: int, message: str, code: str = "", kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.body = status, {"error": {"type": kind, "message": message, "code": code}}


def _nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (metadata[order_id]=x) back into nested dicts."""
    found: dict = {}
    for name, value in pairs:
        parts = name.replace("]", "").split("[")
        target = found
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return found


def _method_details(payment_method: str, wallet: str | None) -> dict:
    if payment_method == "pm_link":
        return {"type": "link", "link": {"country": "FR"}}
    card = {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030, "funding": "credit", "wallet": None}
    if wallet:
        card["wallet"] = {"type": wallet, wallet: {}, "dynamic_last4": "4242"}
    return {"type": "card", "card": card}


def sign(secret: str, payload: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class StripeStandIn:
    def __init__(self, api_key: str, webhook_secret: str, webhook_url: str | None = None, deliver: bool = True):
        self.api_key, self.webhook_secret, self.webhook_url = api_key, webhook_secret, webhook_url
        self.deliver = deliver
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.disputes: dict[str, dict] = {}
        self.methods: dict[str, dict] = {}  # intent id -> its charge's payment_method_details
        self.sent: list[dict] = []  # every event, in the order it happened
        self.calls: list[tuple[str, str]] = []  # (method, path) of every API call, for `make bench`
        self._idempotent: dict[str, tuple[str, int, dict]] = {}
        self._lock = threading.RLock()
        self._deliveries: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None
        self.failure: int | str | None = None  # see `failing`

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self) -> StripeStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet: the runtime prints its own trace lines
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                url = urlparse(self.path)
                failure = standin.failure
                if failure in ("drop", "slow"):
                    standin.calls.append((self.command, url.path))
                    if failure == "slow":
                        time.sleep(standin.slow_seconds)
                    self.close_connection = True
                    return
                if isinstance(failure, int):
                    standin.calls.append((self.command, url.path))
                    status, answer = failure, StripeError(failure, f"stand-in failure {failure}", code="card_declined" if failure == 402 else "", kind=FAILURE_KINDS.get(failure, "api_error")).body
                    if failure == 402:
                        answer["error"]["decline_code"] = "insufficient_funds"
                else:
                    status, answer = standin.handle(self.command, url.path, _nested(parse_qsl(url.query)) | _nested(parse_qsl(body)), dict(self.headers.items()))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{secrets.token_hex(8)}")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="stripe-standin", daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    slow_seconds = 3.0

    @contextmanager
    def failing(self, mode: int | str) -> Iterator[None]:
        self.failure = mode
        try:
            yield
        finally:
            self.failure = None

    def wait_delivered(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        for thread in list(self._deliveries):
            thread.join(max(0.0, deadline - time.monotonic()))

    # ---- the API ----------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict]:
        named = {name.lower(): value for name, value in headers.items()}
        if named.get("authorization") != f"Bearer {self.api_key}":
            return 401, StripeError(401, "Invalid API Key provided", kind="authentication_error").body
        self.calls.append((method, path))
        key = named.get("idempotency-key")
        fingerprint = json.dumps([method, path, params], sort_keys=True)
        with self._lock:
            if key and method == "POST" and key in self._idempotent:
                before, status, answer = self._idempotent[key]
                if before != fingerprint:
                    return 400, StripeError(400, "Keys for idempotent requests can only be used with the same parameters they were first used with.", kind="idempotency_error").body
                return status, answer
            try:
                status, answer = 200, self._route(method, path.rstrip("/"), params)
            except StripeError as error:
                status, answer = error.status, error.body
            if key and method == "POST":
                self._idempotent[key] = (fingerprint, status, answer)
            return status, answer

    def _route(self, method: str, path: str, params: dict) -> dict:
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "payment_intents"]:
            if len(parts) == 2 and method == "POST":
                return self.create_intent(params)
            intent = self._intent(parts[2] if len(parts) > 2 else "")
            action = parts[3] if len(parts) > 3 else None
            if method == "GET" and action is None:
                expand = params.get("expand") or {}
                wanted = expand.values() if isinstance(expand, dict) else [expand]
                return {**intent, "latest_charge": self.charge(intent["id"])} if "latest_charge" in wanted and intent["latest_charge"] else dict(intent)
            if method == "POST" and action == "confirm":
                return self.confirm(intent["id"], params.get("payment_method", "pm_card_visa"), params.get("wallet"))
            if method == "POST" and action == "capture":
                return self._capture(intent, params)
            if method == "POST" and action == "cancel":
                return self._cancel(intent, params)
        if parts[:2] == ["v1", "refunds"] and method == "POST" and len(parts) == 2:
            return self._refund(params)
        raise StripeError(404, f"Unrecognized request URL ({method}: {path})")

    def _intent(self, intent_id: str) -> dict:
        intent = self.intents.get(intent_id)
        if intent is None:
            raise StripeError(404, f"No such payment_intent: '{intent_id}'", code="resource_missing")
        return intent

    def create_intent(self, params: dict) -> dict:
        try:
            amount = int(params["amount"])
        except (KeyError, ValueError):
            raise StripeError(400, "Missing required param: amount.", code="parameter_missing") from None
        if amount < 1:
            raise StripeError(400, "Amount must be at least 1", code="amount_too_small")
        intent_id = f"pi_{secrets.token_hex(12)}"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "currency": params.get("currency", "usd").lower(),
            "capture_method": params.get("capture_method", "automatic_async"),
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "status": "requires_payment_method",
            "metadata": params.get("metadata") or {},
            "latest_charge": None,
            "payment_method": None,
            "last_payment_error": None,
            "cancellation_reason": None,
            "created": int(time.time()),
            "livemode": False,
        }
        self.intents[intent_id] = intent
        return dict(intent)

    def confirm(self, intent_id: str, payment_method: str = "pm_card_visa", wallet: str | None = None) -> dict:
        """What the shopper's device does with Stripe.js (and tests do here directly): `pm_link` pays with
        Link; a card may come from a wallet (apple_pay, google_pay…), as Stripe reports on the charge."""
        with self._lock:
            intent = self._intent(intent_id)
            if intent["status"] not in ("requires_payment_method", "requires_confirmation"):
                raise StripeError(400, f"This PaymentIntent's status is {intent['status']}", code="payment_intent_unexpected_state")
            charge = f"ch_{secrets.token_hex(12)}"
            intent["latest_charge"] = charge
            intent["payment_method"] = f"pm_{secrets.token_hex(12)}"
            self.methods[intent_id] = _method_details(payment_method, wallet)
            if payment_method == "pm_card_chargeDeclined":
                intent.update(status="requires_payment_method", last_payment_error={"code": "card_declined", "decline_code": "generic_decline", "charge": charge})
                self._event("payment_intent.payment_failed", intent)
            elif intent["capture_method"] == "manual":
                intent.update(status="requires_capture", amount_capturable=intent["amount"], last_payment_error=None)
                self._event("payment_intent.amount_capturable_updated", intent)
            else:
                intent.update(status="succeeded", amount_received=intent["amount"], last_payment_error=None)
                self._event("payment_intent.succeeded", intent)
            return dict(intent)

    def _capture(self, intent: dict, params: dict) -> dict:
        if intent["status"] != "requires_capture":
            raise StripeError(400, f"This PaymentIntent could not be captured because it has a status of {intent['status']}.", code="payment_intent_unexpected_state")
        amount = int(params.get("amount_to_capture") or intent["amount_capturable"])
        if amount > intent["amount_capturable"]:
            raise StripeError(400, "amount_to_capture is greater than the amount capturable", code="amount_too_large")
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
        self._event("payment_intent.succeeded", intent)
        return dict(intent)

    def _cancel(self, intent: dict, params: dict) -> dict:
        if intent["status"] in ("succeeded", "canceled"):
            raise StripeError(400, f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.", code="payment_intent_unexpected_state")
        intent.update(status="canceled", amount_capturable=0, cancellation_reason=params.get("cancellation_reason", "requested_by_customer"))
        self._event("payment_intent.canceled", intent)
        return dict(intent)

    def _refund(self, params: dict) -> dict:
        intent = self._intent(params.get("payment_intent", ""))
        refunded = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"])
        amount = int(params.get("amount") or intent["amount_received"] - refunded)
        if intent["status"] != "succeeded" or amount < 1 or refunded + amount > intent["amount_received"]:
            raise StripeError(400, f"Refund amount ({amount}) is greater than unrefunded amount on charge ({intent['amount_received'] - refunded})", code="charge_already_refunded")
        refund = {
            "id": f"re_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": intent["latest_charge"],
            "status": "succeeded",
            "metadata": params.get("metadata") or {},
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        self._event("charge.refunded", self.charge(intent["id"]))
        return dict(refund)

    def dispute(self, intent_id: str, reason: str = "fraudulent") -> dict:
        """The shopper's bank disputes the charge (what Stripe reports as charge.dispute.created)."""
        with self._lock:
            intent = self._intent(intent_id)
            dispute = {
                "id": f"dp_{secrets.token_hex(12)}",
                "object": "dispute",
                "amount": intent["amount_received"],
                "currency": intent["currency"],
                "charge": intent["latest_charge"],
                "payment_intent": intent_id,
                "reason": reason,
                "status": "needs_response",
                "metadata": {},
                "created": int(time.time()),
            }
            self.disputes[dispute["id"]] = dispute
            self._event("charge.dispute.created", dispute)
            return dict(dispute)

    def close_dispute(self, dispute_id: str, won: bool) -> dict:
        with self._lock:
            dispute = self.disputes[dispute_id]
            dispute["status"] = "won" if won else "lost"
            self._event("charge.dispute.closed", dispute)
            return dict(dispute)

    def charge(self, intent_id: str) -> dict:
        intent = self.intents[intent_id]
        refunds = [dict(r) for r in self.refunds.values() if r["payment_intent"] == intent_id]
        return {
            "id": intent["latest_charge"],
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount_received"],
            "amount_refunded": sum(r["amount"] for r in refunds),
            "captured": intent["status"] == "succeeded",
            "currency": intent["currency"],
            "payment_intent": intent_id,
            "metadata": dict(intent["metadata"]),
            "payment_method": intent.get("payment_method"),
            "payment_method_details": self.methods.get(intent_id),
            "refunds": {"object": "list", "data": refunds},
        }

    # ---- webhooks ---------------------------------------------------------------------------

    def _event(self, kind: str, obj: dict) -> dict:
        event = {
            "id": f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "api_version": "2025-01-27",
            "created": int(time.time()),
            "type": kind,
            "livemode": False,
            "pending_webhooks": 1,
            "data": {"object": json.loads(json.dumps(obj))},
        }
        self.sent.append(event)
        if self.deliver and self.webhook_url:
            thread = threading.Thread(target=self.post, args=(event,), daemon=True)
            self._deliveries.append(thread)
            thread.start()
        return event

    def post(self, event: dict, *, attempts: int = DELIVERY_ATTEMPTS, timestamp: int | None = None, secret: str | None = None) -> int:
        """Deliver one event as Stripe does (freshly signed per attempt); the last status answered."""
        payload = json.dumps(event)
        status = 0
        for attempt in range(attempts):
            request = urllib.request.Request(
                self.webhook_url or "",
                data=payload.encode(),
                method="POST",
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": sign(secret or self.webhook_secret, payload, timestamp),
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            if 200 <= status < 300:
                return status
            time.sleep(0.2 * 2**attempt)
        return status
