"""What Stripe's objects say happened, as ledger transitions. Pure: no I/O.

The same mapping reads a PaymentIntent from a webhook, from the shopper's confirm call (Omni retrieves
it) and from Omni's own capture or cancel call, so whichever arrives first writes the entries and the
others find them written. Each object carries its whole state, so it yields every transition it implies
(a succeeded intent was authorized too): an event that arrives before an older one still ends right.
"""

from __future__ import annotations

from payments.logic.ledger import Transition

PROVIDER = "stripe"


def _tender(intent: dict) -> str:
    return (intent.get("metadata") or {}).get("tender") or "card"


def intent_transitions(intent: dict) -> list[Transition]:
    ref, amount, status = intent["id"], intent.get("amount"), intent.get("status")
    currency = (intent.get("currency") or "").upper() or None
    tender = _tender(intent)

    def make(kind: str, value: int | None = None, **options) -> Transition:
        return Transition(kind=kind, provider=PROVIDER, reference=ref, tender=tender, amount=value, currency=currency, **options)

    if status == "requires_capture":
        return [make("authorize", amount)]
    if status == "succeeded":
        received = intent.get("amount_received") or 0
        found = [make("authorize", amount), make("capture", received)]
        if amount and received < amount:  # a partial capture releases the rest
            found.append(make("void", amount - received))
        return found
    if status == "canceled":
        return [make("cancel", details={"reason": intent.get("cancellation_reason") or "canceled"})]
    error = intent.get("last_payment_error")
    if status == "requires_payment_method" and error:
        attempt = error.get("charge") or error.get("payment_intent", {}).get("latest_charge") or "attempt"
        return [make("fail", suffix=str(attempt), details={"code": error.get("code") or error.get("decline_code") or "declined"})]
    return []  # requires_confirmation, requires_action, processing: nothing happened to the money yet


def decline_code(intent: dict) -> str | None:
    """Why Stripe declined the intent's last attempt (card_declined, insufficient_funds…), None if it did not."""
    error = intent.get("last_payment_error")
    if intent.get("status") != "requires_payment_method" or not error:
        return None
    return error.get("decline_code") or error.get("code") or "declined"


def charge_transitions(charge: dict) -> tuple[str | None, list[Transition]]:
    """A charge (charge.refunded…): its intent's authorization and capture, and each of its refunds."""
    ref = charge.get("payment_intent")
    if not ref:
        return None, []
    currency = (charge.get("currency") or "").upper() or None
    tender = _tender(charge)

    def make(kind: str, value: int | None, **options) -> Transition:
        return Transition(kind=kind, provider=PROVIDER, reference=ref, tender=tender, amount=value, currency=currency, **options)

    found = [make("authorize", charge.get("amount"))]
    if charge.get("captured"):
        found.append(make("capture", charge.get("amount_captured")))
    for refund in (charge.get("refunds") or {}).get("data") or []:
        if refund.get("status") in ("succeeded", "pending"):
            details = {"refund_id": (refund.get("metadata") or {})["refund_id"]} if (refund.get("metadata") or {}).get("refund_id") else {}
            found.append(make("refund", refund.get("amount"), suffix=refund["id"], details=details))
    return ref, found


def event_transitions(event: dict) -> tuple[str | None, str | None, list[Transition]]:
    """(order id if the object names it, provider reference, transitions) of one Stripe event."""
    kind = event.get("type") or ""
    obj = (event.get("data") or {}).get("object") or {}
    order_id = (obj.get("metadata") or {}).get("order_id")
    if kind.startswith("payment_intent."):
        return order_id, obj.get("id"), intent_transitions(obj)
    if kind in ("charge.refunded", "charge.refund.updated", "charge.captured", "charge.succeeded"):
        ref, found = charge_transitions(obj)
        return order_id, ref, found
    if kind == "charge.dispute.created":
        ref = obj.get("payment_intent")
        dispute = Transition(
            kind="dispute", provider=PROVIDER, reference=ref or "", tender="card", amount=obj.get("amount"), currency=(obj.get("currency") or "").upper() or None, suffix=obj.get("id", "")
        )
        return order_id, ref, [dispute] if ref else []
    return order_id, obj.get("id"), []
