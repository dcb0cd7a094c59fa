"""Which profiles events an item change means (the outbox mapper: pure, no I/O).

A graph item's new body against its old one: every profile that gained orders or accounts is OrdersAttributed
with those (and the graph's version, which only grows, even across merged graphs); every new
entry of the merge log is ProfilesMerged, ProfileUnmerged or ProfileErased. A graph merged into
another becomes a forward: the survivor's item says what changed. A ledger entry is PointsEarned,
PointsRedeemed or PointsReversed, when it belongs to a profile.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from kernel.envelope import DomainEvent
from kernel.outbox import Change
from profiles.models.events import OrdersAttributed, PointsEarned, PointsGivenBack, PointsRedeemed, PointsReversed, ProfileErased, ProfilesMerged, ProfileUnmerged

POINTS = {"earn": PointsEarned, "redeem": PointsRedeemed, "reverse": PointsReversed, "give_back": PointsGivenBack}


def _body(item: dict | None) -> dict:
    return json.loads(item["body"]) if item and item.get("body") else {"profiles": {}, "log": []}


def _graph_events(change: Change) -> Iterator[DomainEvent]:
    old, new = _body(change.old), _body(change.new)
    if not change.new or not change.new.get("body"):
        return
    at = new.get("at") or ""
    logged = {entry["id"] + entry["kind"] for entry in old["log"]}
    for entry in new["log"]:
        if entry["id"] + entry["kind"] in logged:
            continue
        if entry["kind"] == "merge":
            yield ProfilesMerged(merge_id=entry["id"], survivor_id=entry["survivor"], merged_ids=entry["merged"], at=entry["at"])
        elif entry["kind"] == "unmerge":
            yield ProfileUnmerged(merge_id=entry["id"], profile_ids=entry["profiles"], at=entry["at"])
        elif entry["kind"] == "erase":
            erased = old["profiles"].get(entry["profile"], {})
            yield ProfileErased(profile_id=entry["profile"], order_ids=erased.get("orders", []), customer_ids=erased.get("customers", []), at=entry["at"])
    for pid, profile in new["profiles"].items():
        # Only what came to the profile: an order it already had keeps its attribution (decision 76), so a shopper's
        # next order names one order, not their whole history again.
        before = old["profiles"].get(pid) or {"orders": [], "customers": []}
        orders = [order for order in profile["orders"] if order not in set(before["orders"])]
        customers = [customer for customer in profile["customers"] if customer not in set(before["customers"])]
        if orders or customers:
            yield OrdersAttributed(profile_id=pid, order_ids=orders, customer_ids=customers, version=new["version"], at=at)


def events_from_change(change: Change) -> Iterator[DomainEvent]:
    item = change.new or change.old or {}
    if item.get("type") == "graph":
        yield from _graph_events(change)
    elif item.get("sk", "").startswith("POINTS#") and change.old is None and change.new and change.new.get("profile_id") and int(change.new["points"]):
        entry = change.new
        yield POINTS[entry["kind"]](profile_id=entry["profile_id"], entry_id=entry["entry_id"], points=entry["points"], order_id=entry["order_id"], balance=entry["balance"])
