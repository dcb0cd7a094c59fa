"""The unified profile, and its export: derived from the graph (records, survivorship) and the order read
model (orders from every channel, points)."""

from __future__ import annotations

from profiles.dal import orders
from profiles.logic import loyalty
from profiles.logic.identity import Graph, kind_of
from profiles.logic.rules import rules
from profiles.models.profile import ProfileExport, ProfileView

PURPOSES_SEP = "|"


def _survivor(statements: list[list], rule) -> str:
    """One field's value from its statements [value, at, channel kind]: most recent, or by source priority."""
    if rule.rule == "source_priority":
        rank = {kind: position for position, kind in enumerate(rule.priority)}
        newest_first = sorted(statements, key=lambda s: (s[1], str(s[0])), reverse=True)
        return min(newest_first, key=lambda s: rank.get(s[2], len(rank)))[0]
    return max(statements, key=lambda s: (s[1], str(s[0])))[0]


def view(graph: Graph, profile_id: str) -> ProfileView:
    profile = graph["profiles"][profile_id]
    records = [graph["records"][key] for key in profile["records"]]
    field_rules = rules().match.fields
    statements: dict[str, list[list]] = {}
    consent: dict[str, list] = {}
    for record in records:
        for name, statement in record.get("f", {}).items():
            statements.setdefault(name, []).append(statement)
        for name, statement in record.get("consent", {}).items():
            if name not in consent or statement[1] > consent[name][1]:
                consent[name] = statement
    fields = {name: _survivor(found, field_rules.get(name) or field_rules["name"]) for name, found in statements.items()}
    ids = sorted({identifier for record in records for identifier in record["ids"]})
    rows = orders.many(profile["orders"])
    related = [entry for entry in graph["log"] if profile_id in {entry.get("survivor"), entry.get("profile"), *(entry.get("merged") or []), *(entry.get("profiles") or [])}]
    return ProfileView(
        profile_id=profile_id,
        identifiers=[{"type": kind_of(identifier), "value": graph["values"][identifier]} for identifier in ids if identifier in graph["values"]],
        fields=fields,
        consent=[
            {"channel": name.split(PURPOSES_SEP)[0], "purpose": name.split(PURPOSES_SEP)[1], "granted": statement[0], "at": statement[1], "source": statement[2]}
            for name, statement in sorted(consent.items())
        ],
        channels=sorted({record["ch"] for record in records if record.get("ch")}),
        orders=sorted(({**row, "points": int(row.get("points", 0))} for row in rows), key=lambda row: row.get("placed_at") or ""),
        loyalty={"balance": loyalty.balance(rows), "tier": rules().loyalty.tier_for(loyalty.rolling_spend(rows)), "rolling_spend": loyalty.rolling_spend(rows)},
        merges=[{key: value for key, value in entry.items() if key not in ("anchors", "bridge", "with")} for entry in related],
    )


def export(graph: Graph, profile_id: str) -> ProfileExport:
    profile = graph["profiles"][profile_id]
    records = [graph["records"][key] for key in profile["records"]]
    ledger = [entry for order_id in profile["orders"] for entry in orders.entries(order_id)]
    return ProfileExport(
        profile=view(graph, profile_id),
        records=[
            {"channel": record.get("ch"), "first_seen": record["at"], "last_seen": record["last"], "sources": record["src"], "identifier_types": sorted({kind_of(i) for i in record["ids"]})}
            for record in sorted(records, key=lambda record: record["at"])
        ],
        ledger=sorted(ledger, key=lambda entry: entry["at"]),
    )
