"""Omni's own stored-value ledger: gift cards and store credit. Items:
  CARD#<keyed hash of the code> / CARD        kind, balance, currency, card_id (a public id, not the code)
  CARD#<keyed hash> / MOVE#<order or issue>#<reference>   each issue, redemption and refund, once
  CARDISSUE#<scope>#<reference> / ISSUE      the issuer's idempotency key
  CODEGUESS#<caller scope> / WINDOW#<n>     code lookups counted in one window (expires with it)
The code itself is never stored: only its keyed hash (HMAC-SHA256 with a key from Secrets Manager).
A balance changes only through a condition on the balance itself (`balance >= :amount`), never a
read-then-write, so two tills redeeming one card at once can never take it below zero.
"""

from __future__ import annotations

from kernel import table
from kernel.context import correlation_id


def card_key(digest: str) -> dict:
    return {"pk": f"CARD#{digest}", "sk": "CARD"}


def _move(digest: str, move: str, amount: int, now: str, **extra) -> dict:
    item = {"pk": f"CARD#{digest}", "sk": f"MOVE#{move}", "type": "card_move", "amount": amount, "at": now, **extra}
    return table.put(item, "attribute_not_exists(pk)")


def issue(digest: str, card_id: str, kind: str, amount: int, currency: str, scope: str, reference: str, now: str) -> bool:
    """A new card with its first balance, once per issuer reference (False: that reference was used)."""
    card = {**card_key(digest), "type": "card", "card_id": card_id, "kind": kind, "balance": amount, "currency": currency, "issued_at": now, "seq": 1, "correlation_id": correlation_id()}
    issued = {"pk": f"CARDISSUE#{scope}#{reference}", "sk": "ISSUE", "type": "card_issue", "card_id": card_id, "amount": amount, "currency": currency, "kind": kind, "at": now}
    try:
        table.transact(
            [
                table.put(card, "attribute_not_exists(pk)"),
                table.put(issued, "attribute_not_exists(pk)"),
                _move(digest, f"issue#{card_id}", amount, now),
            ]
        )
        return True
    except table.Rejected:
        return False


def issued_before(scope: str, reference: str) -> dict | None:
    return table.get({"pk": f"CARDISSUE#{scope}#{reference}", "sk": "ISSUE"})


def get(digest: str) -> dict | None:
    return table.get(card_key(digest))


def debit(digest: str, kind: str, amount: int, currency: str, move: str, order_id: str, now: str) -> list[dict]:
    """The operations that take `amount` off a card, inside the order's log transaction."""
    return [
        table.update(
            card_key(digest),
            "SET balance = balance - :amount ADD seq :one",
            condition="balance >= :amount AND currency = :currency AND kind = :kind",
            values={":amount": amount, ":currency": currency, ":kind": kind, ":one": 1},
        ),
        _move(digest, move, -amount, now, order_id=order_id),
    ]


def credit(digest: str, amount: int, move: str, order_id: str, now: str) -> list[dict]:
    """The operations that give `amount` back to a card (a refund), inside the order's log transaction."""
    return [
        table.update(card_key(digest), "SET balance = balance + :amount ADD seq :one", condition="attribute_exists(pk)", values={":amount": amount, ":one": 1}),
        _move(digest, move, amount, now, order_id=order_id),
    ]


def _window(scope: str, window: int) -> dict:
    return {"pk": f"CODEGUESS#{scope}", "sk": f"WINDOW#{window}"}


def take_attempt(scope: str, window: int, limit: int, expires_at: int) -> bool:
    """Count one code lookup of a caller in a window, only while it is under `limit` (a condition on the
    counter itself): False when the caller is locked out."""
    found = table.update_now(
        _window(scope, window),
        "ADD attempts :one SET #ttl = :ttl",
        condition="attribute_not_exists(attempts) OR attempts < :limit",
        values={":one": 1, ":limit": limit, ":ttl": expires_at},
        names={"#ttl": "ttl"},
    )
    return found is not None


def give_back_attempt(scope: str, window: int) -> None:
    """A lookup that found the right card does not count against its caller."""
    table.update_now(_window(scope, window), "ADD attempts :minus", condition="attempts > :zero", values={":minus": -1, ":zero": 0})
