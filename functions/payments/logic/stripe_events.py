"""What Stripe's objects say happened, as ledger transitions. Pure: no I/O.

The same mapping reads a PaymentIntent from a webhook, from the shopper's confirm call (Omni retrieves
it) and from Omni's own capture or cancel call, so whichever arrives first writes the entries and the
others find them written. Each object carries its whole state, so it yields every transition it implies
(a succeeded intent was authorized too): an event that arrives before an older one still ends right.
"""

from __future__ import annotations

from payments.logic.ledger import Transition

PROVIDER = "stripe"
SUPERSEDED = "duplicate"  # the cancellation_reason Omni gives an intent that a newer one for the order replaces


def _tender(intent: dict) -> str:
    return (intent.get("metadata") or {}).get("tender") or "card"


def payment_method(charge: dict | None) -> str | None:
    """How the shopper paid, from a charge's payment_method_details as Stripe reports them: card, or the
    wallet the card was in (apple_pay, google_pay, samsung_pay…), or another method type (link…)."""
    details = (charge or {}).get("payment_method_details") or {}
    kind = details.get("type")
    if kind == "card":
        return ((details.get("card") or {}).get("wallet") or {}).get("type") or "card"
    return kind


def method_unknown(intent: dict) -> bool:
    """A webhook's intent names its charge by id only (Stripe never expands webhook objects)."""
    return not isinstance(intent.get("latest_charge"), dict)


def intent_transitions(intent: dict) -> list[Transition]:
    ref, amount, status = intent["id"], intent.get("amount"), intent.get("status")
    currency = (intent.get("currency") or "").upper() or None
    method = payment_method(intent.get("latest_charge") if isinstance(intent.get("latest_charge"), dict) else None)
    tender = ("card" if method == "card" else "wallet") if method else _tender(intent)
    paid_with = {"method": method} if method else {}

    def make(kind: str, value: int | None = None, **options) -> Transition:
        if kind in ("authorize", "capture"):
            options["details"] = {**paid_with, **options.get("details", {})}
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
    method = payment_method(charge)
    tender = ("card" if method == "card" else "wallet") if method else _tender(charge)

    def make(kind: str, value: int | None, **options) -> Transition:
        if kind in ("authorize", "capture") and method:
            options["details"] = {"method": method}
        return Transition(kind=kind, provider=PROVIDER, reference=ref, tender=tender, amount=value, currency=currency, **options)

    found = [make("authorize", charge.get("amount"))]
    if charge.get("captured"):
        found.append(make("capture", charge.get("amount_captured")))
    for refund in (charge.get("refunds") or {}).get("data") or []:
        if refund.get("status") in ("succeeded", "pending"):
            details = {"refund_id": (refund.get("metadata") or {})["refund_id"]} if (refund.get("metadata") or {}).get("refund_id") else {}
            found.append(make("refund", refund.get("amount"), suffix=refund["id"], details=details))
    return ref, found


def dispute_transitions(dispute: dict) -> list[Transition]:
    """A dispute (chargeback) of a charge: opened, and once closed, won (the money comes back) or lost.
    A closed dispute implies it was opened, so a closure that arrives first still ends right."""
    ref, dispute_id = dispute.get("payment_intent"), dispute.get("id")
    if not ref or not dispute_id:
        return []
    currency = (dispute.get("currency") or "").upper() or None

    def make(kind: str, **details) -> Transition:
        return Transition(kind=kind, provider=PROVIDER, reference=ref, tender="card", amount=dispute.get("amount"), currency=currency, suffix=dispute_id, details=details)

    found = [make("dispute", reason=dispute.get("reason") or "general")]
    status = dispute.get("status")
    if status in ("won", "warning_closed"):  # an inquiry closed without a chargeback keeps the money too
        found.append(make("dispute_won"))
    elif status == "lost":
        found.append(make("dispute_lost"))
    return found


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
    if kind in ("charge.dispute.created", "charge.dispute.closed"):
        return order_id, obj.get("payment_intent"), dispute_transitions(obj)
    return order_id, obj.get("id"), []
