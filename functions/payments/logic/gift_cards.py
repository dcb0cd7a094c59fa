"""Gift cards and store credit: Omni's own ledger of stored value.

Codes come from the `secrets` module (16 characters of a 32-letter alphabet: 80 bits, unguessable) and are
shown once, when issued; Omni stores and looks them up only as HMAC-SHA256 keyed hashes (the key is in
Secrets Manager), so neither the table nor a log line holds a usable code. A redemption is a tender
of an order: its entries and the balance's conditional debit are one transaction.

Guessing is locked out per caller (a shopper, a channel): each lookup takes an attempt from the caller's
window first (a conditional counter, so concurrent guesses cannot slip past it), and a right code gives it
back; past GUESS_LIMIT unknown or wrong codes in a GUESS_WINDOW_SECONDS window the caller gets 429 until the
window ends, whatever the code. Other callers, and the card itself, are unaffected.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as random_source
import uuid

from kernel import clock
from kernel.errors import Conflict, NotFound, TooManyRequests, Unprocessable
from payments.dal import gift_cards as cards
from payments.dal import secrets
from payments.logic.ledger import Plan, Transition
from payments.models.payments import GiftCardBalance, GiftCardIssued, GiftCardIssueIn

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed at a till
PROVIDER = "ledger"
GUESS_LIMIT = 10  # unknown or wrong codes a caller may try per window
GUESS_WINDOW_SECONDS = 900


def new_code() -> str:
    raw = "".join(random_source.choice(ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def digest(code: str) -> str:
    normalized = code.replace("-", "").upper()
    key = secrets.value(secrets.CARD_CODE_KEY).encode()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def issue(body: GiftCardIssueIn, scope: str) -> GiftCardIssued:
    code, card_id = new_code(), f"gc_{uuid.uuid4().hex[:20]}"
    if not cards.issue(digest(code), card_id, body.kind, body.amount, body.currency, scope, body.reference, clock.iso(clock.now())):
        raise Conflict(f"a card was issued for reference {body.reference} before; its code is shown only once", code="idempotency_key_reused", field="reference")
    return GiftCardIssued(card_id=card_id, code=code, kind=body.kind, balance=body.amount, currency=body.currency)


def card_of(code: str, scope: str, kind: str | None = None) -> tuple[str, dict]:
    """The card a code names, looked up for a caller (`scope`) within its guessing limit."""
    now = int(clock.now().timestamp())
    window = now // GUESS_WINDOW_SECONDS
    if not cards.take_attempt(scope, window, GUESS_LIMIT, (window + 1) * GUESS_WINDOW_SECONDS + GUESS_WINDOW_SECONDS):
        retry_after = (window + 1) * GUESS_WINDOW_SECONDS - now
        raise TooManyRequests(f"too many unknown gift card codes: try again in {retry_after} s", code="too_many_code_attempts", retry_after=retry_after, field="code")
    key = digest(code)
    card = cards.get(key)
    if card is None or (kind is not None and card["kind"] != kind):
        raise NotFound(f"no {(kind or 'card').replace('_', ' ')} with this code", field="code")
    cards.give_back_attempt(scope, window)
    return key, card


def balance(code: str, scope: str) -> GiftCardBalance:
    _, card = card_of(code, scope)
    return GiftCardBalance(card_id=card["card_id"], kind=card["kind"], balance=card["balance"], currency=card["currency"])


def redemption(code: str, kind: str | None, amount: int, currency: str, scope: str, reference: str, order_id: str):
    """(transitions, the balance's debit for the log transaction) of redeeming `amount` from a card."""
    key, card = card_of(code, scope, kind)
    if card["currency"] != currency:
        raise Unprocessable(f"the card holds {card['currency']}, not {currency}", code="currency_mismatch", field="currency")
    tender_ref = f"{card['card_id']}:{scope}:{reference}"
    details = {"card_key": key, "card_id": card["card_id"]}
    transitions = [Transition(kind=kind_, provider=PROVIDER, reference=tender_ref, tender=card["kind"], amount=amount, currency=currency, details=details) for kind_ in ("authorize", "capture")]

    def debit(plan: Plan) -> list[dict]:
        return cards.debit(key, card["kind"], amount, currency, f"redeem#{order_id}#{tender_ref}", order_id, clock.iso(clock.now()))

    return transitions, debit
