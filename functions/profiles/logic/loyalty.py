"""Loyalty: points earned on paid orders from any channel, reversed on returns and refunds, redeemed for
an order and given back when it is cancelled. The ledger is append-only and idempotent by entry id
(earn:<order>, reverse:<return or refund>, redeem:<the shopper's redemption id>, give-back:<order>); entries hang on orders, and a profile's balance is the sum over
the orders of its merged identity, so merges and unmerges move points with orders and never count twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kernel.clock import iso, now
from kernel.errors import Conflict, IdempotencyKeyReused, NotFound
from profiles.dal import orders
from profiles.dal.hashing import keyed
from profiles.logic import identify
from profiles.logic.identity import Graph, digest, profile_of
from profiles.logic.rules import Kind, rules

ATTEMPTS = 6


class NotYetKnown(Exception):
    """An event about an order profiles has not seen placed (or earned) yet: EventBridge retries it."""


class InsufficientPoints(Conflict):
    code, title = "insufficient_points", "Insufficient points"


def balance(order_rows: list[dict]) -> int:
    return sum(int(row.get("points", 0)) for row in order_rows)


def rolling_spend(order_rows: list[dict], at: datetime | None = None) -> int:
    """Paid minus refunded over the rolling window, in points' worth (so that currencies add up)."""
    loyalty = rules().loyalty
    since = iso((at or now()) - timedelta(days=loyalty.rolling_days))
    return sum(loyalty.points_for(int(row.get("paid_amount", 0)) - int(row.get("refunded", 0)), row.get("currency", "")) for row in order_rows if row.get("paid_at", "") >= since)


def _owner(order_id: str) -> tuple[Graph | None, str | None]:
    identifier = keyed(Kind.order.value, order_id)
    graph = identify.graphs.graph_holding(identifier)
    return (graph, profile_of(graph, identifier)) if graph else (None, None)


def _profile_rows(graph: Graph | None, profile_id: str | None) -> list[dict]:
    return orders.many(graph["profiles"][profile_id]["orders"]) if graph and profile_id else []


def earn(order_id: str, amount: int, currency: str, at: str) -> None:
    """Points for a paid order, once (OrderPaid, a status `paid`, a prepaid channel order: whichever first)."""
    entry_id = f"earn:{order_id}"
    for _ in range(ATTEMPTS):
        order = orders.get(order_id)
        if order is None or "placed_at" not in order:
            raise NotYetKnown(f"order {order_id} not placed yet")
        if order.get("earned_at"):
            return
        graph, profile_id = _owner(order_id)
        points = rules().loyalty.points_for(amount, currency)
        rows = [row for row in _profile_rows(graph, profile_id) if row["order_id"] != order_id]
        entry = {"entry_id": entry_id, "kind": "earn", "points": points, "order_id": order_id, "profile_id": profile_id, "balance": balance(rows) + int(order.get("points", 0)) + points, "at": at}
        refused = orders.append(
            entry,
            {"earned": points, "points": points},
            sets={"earned_at": at, "paid_at": at, "paid_amount": amount},
            graph_guard=(graph["graph_id"], graph["version"]) if graph else None,
        )
        if refused in (None, "entry"):
            return
    raise Conflict("loyalty ledger contended; retry", code="contended")


def reverse(reversal_id: str, order_id: str, at: str, *, amount: int | None = None, returned: dict[str, int] | None = None) -> None:
    """Take back the points of what was returned or refunded, at most what the order earned. A return and
    the refund it causes share one id (refund_id = return_id), so they reverse once."""
    entry_id = f"reverse:{reversal_id}"
    for _ in range(ATTEMPTS):
        order = orders.get(order_id)
        if order is None or not order.get("earned_at"):
            raise NotYetKnown(f"order {order_id} has earned no points yet")
        value = amount if amount is not None else sum(line["unit_price"] * returned.get(line["sku"], 0) for line in order.get("lines", []) if line["sku"] in (returned or {}))
        earned, reversed_ = int(order.get("earned", 0)), int(order.get("reversed", 0))
        points = min(rules().loyalty.points_for(value, order.get("currency", "")), earned - reversed_)
        graph, profile_id = _owner(order_id)
        rows = [row for row in _profile_rows(graph, profile_id) if row["order_id"] != order_id]
        entry = {"entry_id": entry_id, "kind": "reverse", "points": -points, "order_id": order_id, "profile_id": profile_id, "balance": balance(rows) + int(order.get("points", 0)) - points, "at": at}
        refused = orders.append(
            entry,
            {"reversed": points, "points": -points, "refunded": value},
            order_guard=("attribute_not_exists(reversed) OR reversed = :read", {":read": reversed_}) if reversed_ else ("attribute_not_exists(reversed)", {}),
            graph_guard=(graph["graph_id"], graph["version"]) if graph else None,
        )
        if refused in (None, "entry"):
            return
    raise Conflict("loyalty ledger contended; retry", code="contended")


def give_back(order_id: str, at: str) -> None:
    """A cancelled order gives back the points redeemed on it, once (give-back:<order>); from then on no
    redemption may spend on it (`given_back_at` guards them), so none lands after the give-back unreturned.
    Points it earned come back through the cancellation's refund (reverse)."""
    entry_id = f"give-back:{order_id}"
    for _ in range(ATTEMPTS):
        order = orders.get(order_id)
        if order is None or "placed_at" not in order:
            raise NotYetKnown(f"order {order_id} not placed yet")
        if order.get("given_back_at"):
            return
        redeemed = int(order.get("redeemed", 0))
        graph, profile_id = _owner(order_id)
        rows = [row for row in _profile_rows(graph, profile_id) if row["order_id"] != order_id]
        entry = {
            "entry_id": entry_id,
            "kind": "give_back",
            "points": redeemed,
            "order_id": order_id,
            "profile_id": profile_id,
            "balance": balance(rows) + int(order.get("points", 0)) + redeemed,
            "at": at,
        }
        read = ("redeemed = :read", {":read": redeemed}) if redeemed else ("attribute_not_exists(redeemed)", {})
        refused = orders.append(entry, {"given_back": redeemed, "points": redeemed}, sets={"given_back_at": at}, order_guard=read, graph_guard=(graph["graph_id"], graph["version"]) if graph else None)
        if refused in (None, "entry"):
            return
    raise Conflict("loyalty ledger contended; retry", code="contended")


def redeem(customer_id: str, redemption_id: str, order_id: str, points: int) -> tuple[dict, bool]:
    """Spend points on one of the shopper's orders (as a tender or a discount); (entry, created)."""
    guard_digest = digest(f"{customer_id}|{redemption_id}")
    wanted = {"order_id": order_id, "points": points}
    for _ in range(ATTEMPTS):
        stored = orders.redemption(guard_digest)
        if stored is not None:
            if {"order_id": stored["order_id"], "points": stored["points"]} != wanted:
                field = "order_id" if stored["order_id"] != order_id else "points"
                raise IdempotencyKeyReused(f"redemption {redemption_id} was made with another {field}", field=field)
            return stored["entry"], False
        graph, profile_id = identify.graph_of_customer(customer_id)
        if graph is None or order_id not in graph["profiles"][profile_id]["orders"]:
            raise NotFound(f"no order {order_id} in your profile", field="order_id")
        rows = _profile_rows(graph, profile_id)
        if any(row["order_id"] == order_id and (row.get("given_back_at") or row.get("status") == "cancelled") for row in rows):
            raise Conflict(f"order {order_id} is cancelled", field="order_id", code="order_cancelled")
        available = balance(rows)
        if available < points:
            raise InsufficientPoints(f"{points} points asked, {available} available", field="points", balance=available)
        at = iso(now())
        entry = {"entry_id": f"redeem:{guard_digest}", "kind": "redeem", "points": -points, "order_id": order_id, "profile_id": profile_id, "balance": available - points, "at": at}
        refused = orders.append(
            entry,
            {"redeemed": points, "points": -points},
            order_guard=("attribute_not_exists(given_back_at)", {}),
            spend_guard=(graph["graph_id"], graph["version"], graph.get("ledger_seq", 0)),
            redemption=(guard_digest, {**wanted, "entry": entry}),
        )
        if refused is None:
            return entry, True
    raise Conflict("loyalty ledger contended; retry", code="contended")
