"""The identity graph as stored, and every change to it: identify, unmerge, erase. Pure, no I/O.

One graph item holds a cluster: every source record that ever shared an identifier with another, their
identifiers' normalized values (never in keys), the operator's unmerges, the derived profiles and the
merge log. A change loads the graphs an identify touches, combines them, changes the records and
derives the partition again (logic.graph); the profiles, the log entries (merges, unmerges, erasures,
refused merges: ids and reasons only, no personal data) and what to re-point follow from the difference.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from profiles.logic.graph import Record, near, partition
from profiles.logic.rules import Kind, MatchRules

Graph = dict[str, Any]


@dataclass(frozen=True)
class Sighting:
    """One identify: who the channel saw, through what, and what it learned."""

    source: str  # business key: order:<id>, channel-order:<channel>:<id>, signin:<sub>, identify:<channel>…
    at: str
    channel: str | None
    channel_kind: str | None
    ids: dict[str, str]  # identifier ("kind:hash") -> normalized value
    fields: dict[str, str] = field(default_factory=dict)
    consent: dict[str, bool] = field(default_factory=dict)  # "<channel>|<purpose>" -> granted
    # The person's name as evidence: the keyed hashes of its two words' variants (normalize.name), each
    # word's own spelling first. Compared on weak links only; the name as said stays in `fields`.
    name: tuple[tuple[str, ...], tuple[str, ...]] | None = None


def digest(text: str, size: int = 26) -> str:
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode().lower()[:size]


def record_key(ids, name=None) -> str:
    """A record is its set of identifiers and the name it came with: the same sighting again is the same
    record, and a family's phone said with one member's name is not the record of the bare phone."""
    return "r" + digest("|".join(sorted(ids)) + ("|name:" + "|".join(sorted(words[0] for words in name)) if name else ""))


def records_of(graph: Graph) -> list[Record]:
    """The graph's records as the partition reads them."""
    return [
        Record(key=key, at=record["at"], ids=tuple(record["ids"]), single=record.get("single", False), name=tuple(frozenset(words) for words in record["nm"]) if record.get("nm") else None)
        for key, record in graph["records"].items()
    ]


def profile_id(anchor: str) -> str:
    return "pf" + digest(f"profile:{anchor}", 24)


def kind_of(identifier: str) -> str:
    return identifier.partition(":")[0]


def empty(graph_id: str) -> Graph:
    return {"graph_id": graph_id, "version": 0, "records": {}, "values": {}, "apart": [], "profiles": {}, "log": [], "refusals": []}


def combine(graphs: list[Graph], new_id: str) -> tuple[Graph, list[Graph]]:
    """One graph from the ones an identify touches: the largest survives (fewest identifiers to re-point)."""
    if not graphs:
        return empty(new_id), []
    ordered = sorted(graphs, key=lambda graph: (-len(graph["records"]), graph["graph_id"]))
    survivor = {**ordered[0], "records": dict(ordered[0]["records"]), "values": dict(ordered[0]["values"]), "profiles": dict(ordered[0]["profiles"])}
    survivor["apart"], survivor["log"], survivor["refusals"] = list(survivor["apart"]), list(survivor["log"]), list(survivor["refusals"])
    for other in ordered[1:]:
        for key, record in other["records"].items():
            survivor["records"][key] = _merged_record(survivor["records"].get(key), record)
        survivor["values"].update(other["values"])
        survivor["apart"] += [pair for pair in other["apart"] if pair not in survivor["apart"]]
        survivor["log"] += other["log"]
        survivor["refusals"] += other["refusals"]
        survivor["profiles"].update(other["profiles"])
        survivor["version"] = max(survivor["version"], other["version"])
    survivor["log"].sort(key=lambda entry: entry["at"])
    return survivor, ordered[1:]


def _merged_record(mine: dict | None, other: dict) -> dict:
    if mine is None:
        return other
    merged = {**mine, "at": min(mine["at"], other["at"]), "last": max(mine["last"], other["last"]), "src": sorted(set(mine["src"]) | set(other["src"]))}
    merged["f"] = _latest(mine.get("f", {}), other.get("f", {}))
    merged["consent"] = _latest(mine.get("consent", {}), other.get("consent", {}))
    merged["single"] = mine.get("single", False) or other.get("single", False)
    if other["at"] < mine["at"]:
        merged["ch"], merged["kind"] = other["ch"], other["kind"]
    return merged


def _latest(mine: dict, other: dict) -> dict:
    """Per name, the statement made last ([value, at, ...]); ties go to the larger value, so any order agrees."""
    merged = dict(mine)
    for name, statement in other.items():
        if name not in merged or (statement[1], str(statement[0])) > (merged[name][1], str(merged[name][0])):
            merged[name] = statement
    return merged


def add(graph: Graph, sighting: Sighting) -> str | None:
    """Put the sighting into the graph; the key of its record when that changed anything, else None."""
    key = record_key(sighting.ids, sighting.name)
    statement = {
        "at": sighting.at,
        "last": sighting.at,
        "ch": sighting.channel,
        "kind": sighting.channel_kind,
        "ids": sorted(sighting.ids),
        "src": [sighting.source],
        "f": {name: [value, sighting.at, sighting.channel_kind] for name, value in sighting.fields.items()},
        "consent": {name: [granted, sighting.at, sighting.channel] for name, granted in sighting.consent.items()},
        "single": False,
    }
    if sighting.name:
        statement["nm"] = [list(words) for words in sighting.name]
    before = graph["records"].get(key)
    after = _merged_record(before, statement)
    new_values = {identifier: value for identifier, value in sighting.ids.items() if graph["values"].get(identifier) != value}
    if (before is not None and {**after, "last": before["last"]} == before) and not new_values:
        return None  # nothing new: a replay, or the same person seen again (`last` only moves with news)
    graph["records"][key] = after
    graph["values"].update(new_values)
    return key


@dataclass
class Resolution:
    graph: Graph
    log: list[dict]  # entries added to the graph's merge log by this change
    new_profiles: dict[str, str]  # profile id -> an identifier of its anchor record (for the profile's lookup row)
    gone_profiles: list[str]


def resolve(graph: Graph, rules: MatchRules, *, at: str, bridge: str | None = None, unmerge_of: str | None = None) -> Resolution:
    """Derive the profiles again from the records; log what changed against the profiles before."""
    before: dict[str, dict] = graph["profiles"]
    found = partition(records_of(graph), rules, apart=[tuple(pair) for pair in graph["apart"]], alike=alike_emails(graph["values"]))
    owner_before = {key: pid for pid, profile in before.items() for key in profile["records"]}
    profiles: dict[str, dict] = {}
    for group in found.groups:
        pid = profile_id(group[0])
        profiles[pid] = _summary(graph, group)
    log: list[dict] = []
    version = graph["version"] + 1
    owner_after = {key: pid for pid, profile in profiles.items() for key in profile["records"]}
    for pid, profile in profiles.items():
        # A merge: whole profiles of before are now in this one (a record that only moves, because new
        # evidence split its profile, is a split, below).
        whole = {owner_before[key] for key in profile["records"] if key in owner_before}
        merged = sorted(other for other in whole - {pid} if all(owner_after.get(key) == pid for key in before[other]["records"] if key in graph["records"]))
        if merged and unmerge_of is None:
            anchors = [profile["anchor"], *(before[other]["anchor"] for other in merged)]
            log.append(
                {
                    "id": "mg" + digest(f"{pid}|{','.join(merged)}|{version}", 24),
                    "kind": "merge",
                    "at": at,
                    "survivor": pid,
                    "merged": merged,
                    "anchors": anchors,
                    "bridge": bridge,
                    "rules": _rules(found, profile, owner_before),
                }
            )
    for old, profile in before.items():
        now_in = sorted({owner_after[key] for key in profile["records"] if key in owner_after})
        if len(now_in) > 1 and unmerge_of is None:
            log.append({"id": "sp" + digest(f"{old}|{version}", 24), "kind": "split", "at": at, "profile": old, "profiles": now_in})
    if unmerge_of is not None:
        log.append({"id": unmerge_of, "kind": "unmerge", "at": at, "profiles": sorted(profiles)})
    known = set(graph["refusals"])
    for refusal in found.refusals:
        refusal_id = "rf" + digest(f"{refusal.record}|{refusal.anchor}|{refusal.reason}", 24)
        if refusal_id not in known:
            known.add(refusal_id)
            owner = next((pid for pid, profile in profiles.items() if refusal.record in profile["records"]), None)
            log.append({"id": refusal_id, "kind": "refused", "at": at, "profile": owner, "with": profile_id(refusal.anchor), "reason": refusal.reason})
    # Every write takes a new version, the guard of the next one; OrdersAttributed carries it (it only grows).
    resolved = {**graph, "profiles": profiles, "log": graph["log"] + log, "refusals": sorted(known), "version": version, "at": at}
    new_profiles = {pid: profile["anchor_id"] for pid, profile in profiles.items() if pid not in before}
    return Resolution(graph=resolved, log=log, new_profiles=new_profiles, gone_profiles=sorted(set(before) - set(profiles)))


def _rules(found, profile: dict, owner_before: dict[str, str]) -> list[str]:
    """The rules of the joins that brought records of different profiles (or new ones) into this one."""
    records = set(profile["records"])
    return sorted({rule for mine, theirs, rule in found.joins if mine in records and owner_before.get(mine) != owner_before.get(theirs)})


def alike_emails(values: dict[str, str]) -> frozenset[frozenset[str]]:
    """Pairs of a cluster's emails one typo apart (plaintext is only in the graph, never in keys)."""
    emails = sorted((identifier, value) for identifier, value in values.items() if kind_of(identifier) == Kind.email.value)
    return frozenset(frozenset((a, b)) for i, (a, x) in enumerate(emails) for b, y in emails[i + 1 :] if near(x, y))


def _summary(graph: Graph, group: tuple[str, ...]) -> dict:
    records = graph["records"]
    ids = sorted({identifier for key in group for identifier in records[key]["ids"]})
    orders = sorted({source.split(":", 1)[1] for key in group for source in records[key]["src"] if source.startswith("order:")})
    customers = sorted(graph["values"][identifier] for identifier in ids if kind_of(identifier) == Kind.account.value and identifier in graph["values"])
    return {"anchor": group[0], "anchor_id": records[group[0]]["ids"][0], "records": list(group), "orders": orders, "customers": customers}


def profile_of_sighting(graph: Graph, sighting: Sighting) -> str | None:
    """The profile this sighting's record is in (a shared phone's records are in several)."""
    key = record_key(sighting.ids, sighting.name)
    return next((pid for pid, profile in graph["profiles"].items() if key in profile["records"]), None)


def profile_of(graph: Graph, identifier: str) -> str | None:
    """The profile whose records carry this identifier (the earliest, when refused merges left it in several)."""
    for pid, profile in graph["profiles"].items():
        if any(identifier in graph["records"][key]["ids"] for key in profile["records"]):
            return pid
    return None


def unmerge(graph: Graph, merge_id: str) -> bool:
    """Undo a merge: its bridging record joins one group only, and the merged anchors stay apart for good.
    False when the graph holds no such merge, or it is undone already."""
    entry = next((item for item in graph["log"] if item["id"] == merge_id and item["kind"] == "merge"), None)
    if entry is None or any(item["id"] == merge_id and item["kind"] == "unmerge" for item in graph["log"]):
        return False
    bridge = graph["records"].get(entry.get("bridge") or "")
    if bridge is not None:
        graph["records"][entry["bridge"]] = {**bridge, "single": True}
    anchors = entry["anchors"]
    pairs = [sorted([a, b]) for i, a in enumerate(anchors) for b in anchors[i + 1 :]]
    graph["apart"] = graph["apart"] + [pair for pair in pairs if pair not in graph["apart"]]
    return True


@dataclass
class Erasure:
    removed_ids: list[str]  # identifiers no record carries any more: their index rows go
    sources: list[str]  # what identified the person, so that a replay cannot bring them back


def erase(graph: Graph, pid: str, at: str) -> Erasure:
    """Remove a person's records and every value only they had; log it without personal data."""
    profile = graph["profiles"][pid]
    gone = set(profile["records"])
    sources = sorted({source for key in gone for source in graph["records"][key]["src"]})
    graph["records"] = {key: record for key, record in graph["records"].items() if key not in gone}
    still = {identifier for record in graph["records"].values() for identifier in record["ids"]}
    removed = sorted(set(graph["values"]) - still)
    graph["values"] = {identifier: value for identifier, value in graph["values"].items() if identifier in still}
    graph["apart"] = [pair for pair in graph["apart"] if not set(pair) & gone]
    graph["log"] = [*graph["log"], {"id": "er" + digest(f"{pid}|{at}", 24), "kind": "erase", "at": at, "profile": pid}]
    return Erasure(removed_ids=removed, sources=sources)
