"""Every key of the profiles table, in one place. No key holds personal data: identifiers are keyed hashes.

ID#<kind>:<hmac>        / ID          identifier -> the graph (cluster) that holds it
GRAPH#<graph id>        / GRAPH       a cluster: source records, values, derived profiles, merge log (JSON);
                                      `forward` once merged into another graph
PROFILE#<profile id>    / PROFILE     a profile's lookup: an identifier of its anchor record
ERASED#<digest>         / ERASED      a source that identified an erased person: replays are ignored
ORDER#<order id>        / ORDER       the order as profiles knows it: figures, status, points (no contact)
ORDER#<order id>        / POINTS#<id> one loyalty ledger entry (append-only; earn, reverse, redeem)
REDEMPTION#<digest>     / REDEMPTION  a shopper's redemption id -> its entry (idempotency)
"""

from __future__ import annotations


def identifier(identifier_id: str) -> dict:
    return {"pk": f"ID#{identifier_id}", "sk": "ID"}


def graph(graph_id: str) -> dict:
    return {"pk": f"GRAPH#{graph_id}", "sk": "GRAPH"}


def profile(profile_id: str) -> dict:
    return {"pk": f"PROFILE#{profile_id}", "sk": "PROFILE"}


def erased(source_digest: str) -> dict:
    return {"pk": f"ERASED#{source_digest}", "sk": "ERASED"}


def order(order_id: str) -> dict:
    return {"pk": f"ORDER#{order_id}", "sk": "ORDER"}


def entry(order_id: str, entry_id: str) -> dict:
    return {"pk": f"ORDER#{order_id}", "sk": f"POINTS#{entry_id}"}


ENTRY_PREFIX = "POINTS#"


def redemption(redemption_digest: str) -> dict:
    return {"pk": f"REDEMPTION#{redemption_digest}", "sk": "REDEMPTION"}
