"""The identity graph's pure logic driven the way logic.identify drives it, with dicts for the table:
for property tests and the synthetic population, which must stay fast (no I/O)."""

from __future__ import annotations

import itertools

from profiles.logic import identity
from profiles.logic.identity import Sighting
from profiles.logic.normalize import identifiers, name_evidence
from profiles.logic.rules import Kind, MatchRules


def sighting(given: dict[Kind, str | None], rules: MatchRules, *, source: str, at: str, channel: str = "web", channel_kind: str = "storefront", name: str | None = None) -> Sighting | None:
    """As logic.identify.sighting, with plain values for the keyed hashes (no secret needed here)."""
    found = identifiers(given, rules, channel=channel, strict=False)
    if not found:
        return None
    evidence = name_evidence(name) if name else None
    return Sighting(
        source=source,
        at=at,
        channel=channel,
        channel_kind=channel_kind,
        ids={f"{kind.value}:{value}": value for kind, value in found.items()},
        fields={"name": name} if name else {},
        name=tuple(tuple(words) for words in evidence) if evidence else None,
    )


class MemoryGraphs:
    """Identifier rows and graph items in dicts; identify as logic.identify does it (combine, add, resolve)."""

    def __init__(self, rules: MatchRules):
        self.rules = rules
        self.rows: dict[str, str] = {}
        self.graphs: dict[str, dict] = {}
        self.log: list[dict] = []
        self._ids = itertools.count()

    def identify(self, seen: Sighting | None) -> None:
        if seen is None:
            return
        loaded = [self.graphs[graph_id] for graph_id in {self.rows[i] for i in seen.ids if i in self.rows}]
        graph, absorbed = identity.combine(loaded, new_id=f"g{next(self._ids)}")
        key = identity.add(graph, seen)
        if key is None and not absorbed:
            return
        self._store(identity.resolve(graph, self.rules, at=seen.at, bridge=key).graph, absorbed)

    def _store(self, graph: dict, absorbed: list[dict] = ()) -> None:
        for other in absorbed:
            del self.graphs[other["graph_id"]]
        self.graphs[graph["graph_id"]] = graph
        for identifier in graph["values"]:
            self.rows[identifier] = graph["graph_id"]
        self.log += [entry for entry in graph["log"] if entry not in self.log]

    def graph_of(self, profile_id: str) -> dict:
        return next(graph for graph in self.graphs.values() if profile_id in graph["profiles"])

    def unmerge(self, profile_id: str, merge_id: str) -> None:
        graph = self.graph_of(profile_id)
        assert identity.unmerge(graph, merge_id)
        self._store(identity.resolve(graph, self.rules, at="9999", unmerge_of=merge_id).graph)

    def groups(self) -> set[frozenset[str]]:
        """The partition, as sets of the sources each profile holds (record keys are an implementation detail)."""
        return {frozenset(source for key in profile["records"] for source in graph["records"][key]["src"]) for graph in self.graphs.values() for profile in graph["profiles"].values()}

    def profile_of_source(self) -> dict[str, str]:
        return {source: pid for graph in self.graphs.values() for pid, profile in graph["profiles"].items() for key in profile["records"] for source in graph["records"][key]["src"]}
