"""Provider webhooks: verify and store first (the route answers at once), apply later (the stream).

`receive` runs in the API function: the SDK verifies the Stripe-Signature (HMAC over timestamp and raw
body, 300 s tolerance) before anything is read, then the raw event is put in the inbox once per
(provider, event id). `process` runs in the webhook processor for each inserted inbox item: it maps the
event's object to ledger transitions and applies them idempotently, so a replay, a reordering or a race
with the shopper's confirm call all end in the same log.
"""

from __future__ import annotations

from collections.abc import Mapping

from kernel import clock
from kernel.errors import BadGateway, NotFound, ServiceUnavailable, Unauthorized, Unprocessable
from payments.dal import inbox
from payments.dal import payments as store
from payments.logic import stripe_events
from payments.logic.ledger import Alert
from payments.logic.payments import apply
from payments.models.payments import WebhookReceived

PROVIDERS = ("stripe",)
SIGNATURE_HEADER = "Stripe-Signature"
MAX_BODY_BYTES = 256_000  # the raw event is stored in one item (DynamoDB's limit: 400 KB); Stripe's are a few KB


def receive(provider: str, headers: Mapping[str, str], body: bytes) -> WebhookReceived:
    if provider not in PROVIDERS:
        raise NotFound(f"no webhook endpoint for payment provider {provider}", field="provider")
    from payments.dal import stripe_api

    if len(body) > MAX_BODY_BYTES:
        raise Unprocessable(f"a webhook body is at most {MAX_BODY_BYTES} bytes", errors=[{"in": "body", "field": "body", "type": "too_long"}])
    signature = next((value for name, value in headers.items() if name.lower() == SIGNATURE_HEADER.lower()), None)
    try:
        event = stripe_api.verified_event(body, signature)
    except stripe_api.SignatureRefused as refused:
        if refused.code == "json_invalid":
            raise Unprocessable(str(refused), errors=[{"in": "body", "field": "body", "type": "json_invalid"}]) from None
        raise Unauthorized(str(refused), code=refused.code) from None
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not isinstance(event_type, str) or not 0 < len(event_id) <= 255:
        raise Unprocessable("a Stripe event has an id and a type", field="id", errors=[{"in": "body", "field": "id", "type": "missing"}])
    now = clock.now()
    accepted = inbox.record(provider, event_id, event_type, body.decode(), clock.iso(now), int(now.timestamp()))
    return WebhookReceived(id=event_id, status="accepted" if accepted else "duplicate")


def _with_method(intent: dict) -> list:
    """The event's transitions (its amounts and state, as reported) with how the shopper paid, which only
    the intent's charge says: asked of Stripe, as Stripe advises for webhook objects (never expanded)."""
    from payments.dal import stripe_api

    try:
        charge = stripe_api.retrieve_intent(intent["id"]).get("latest_charge")
    except BadGateway as error:
        if isinstance(error, ServiceUnavailable) or error.retry_after is not None:
            raise  # Stripe is away: the record is retried
        charge = None  # Stripe does not know it: the event's own word, which the ledger judges
    return stripe_events.intent_transitions({**intent, "latest_charge": charge})


def process(provider: str, event: dict) -> str:
    """Apply one stored provider event; its outcome (applied, refused, ignored, unknown_reference)."""
    order_id, reference, transitions = stripe_events.event_transitions(event)
    if not transitions:
        return "ignored"
    order_id = order_id or inbox.order_of(provider, reference)
    obj = (event.get("data") or {}).get("object") or {}
    if obj.get("object") == "payment_intent" and stripe_events.method_unknown(obj) and any(t.kind == "authorize" for t in transitions):
        transitions = _with_method(obj)
    try:
        if order_id is None:
            raise NotFound("no order", field="order_id")
        _, plan = apply(order_id, transitions)
    except NotFound:
        store.record_alerts(None, [Alert("unknown_reference", provider, reference or "", f"{event.get('type')} {event.get('id')} names no Omni order")], clock.iso(clock.now()))
        return "unknown_reference"
    return "refused" if plan.refused else "applied"
