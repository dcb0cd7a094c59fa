"""Reads and writes of the identity graph: identifier rows, graph items, profile lookups, erasure marks.

An incremental identify costs three calls: one BatchGetItem for its identifiers' rows (and its source's
erasure mark), one for the graphs they name, one TransactWriteItems. The write is guarded by each graph's
version and each new identifier row's absence, so two identifies racing to merge cannot both win: the
loser's transaction fails, and it reads again. Graph items store their body as JSON text (one attribute).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kernel import table
from profiles.dal import keys
from profiles.logic.identity import Graph, digest

_FORWARD_HOPS = 5


def lookup(identifier_ids: list[str], source: str | None = None) -> tuple[dict[str, str], bool]:
    """Identifier id -> graph id for the known ones, and whether the source was erased."""
    wanted = [keys.identifier(identifier_id) for identifier_id in identifier_ids]
    if source is not None:
        wanted.append(keys.erased(digest(source)))
    found = table.OWN.batch_get(wanted) if wanted else []
    graphs = {item["pk"].removeprefix("ID#"): item["graph_id"] for item in found if item["sk"] == "ID"}
    return graphs, any(item["sk"] == "ERASED" for item in found)


def load(graph_ids: set[str]) -> list[Graph]:
    """The graphs, following the forward a merged graph leaves behind until its rows are re-pointed."""
    loaded: dict[str, Graph] = {}
    pending = set(graph_ids)
    for _ in range(_FORWARD_HOPS):
        if not pending:
            break
        forwards = set()
        for item in table.OWN.batch_get([keys.graph(graph_id) for graph_id in pending]):
            if item.get("forward"):
                forwards.add(item["forward"])
            else:
                graph = json.loads(item["body"]) | {"ledger_seq": item.get("ledger_seq", 0)}
                loaded[graph["graph_id"]] = graph
        pending = forwards - set(loaded)
    return list(loaded.values())


@dataclass
class Change:
    """One change of a graph: what `save` writes. The guarded part goes first, in one transaction."""

    graph: Graph
    read_version: int | None  # None: a new graph
    at: str
    absorbed: list[Graph] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    repoint: list[str] = field(default_factory=list)  # rows to point at this graph (absorbed graphs' identifiers)
    new_profiles: dict[str, str] = field(default_factory=dict)
    gone_profiles: list[str] = field(default_factory=list)
    removed_ids: list[str] = field(default_factory=list)
    erased_sources: list[str] = field(default_factory=list)


def _graph_put(graph: Graph, expected_version: int | None) -> dict:
    body = json.dumps({name: value for name, value in graph.items() if name != "ledger_seq"}, separators=(",", ":"), sort_keys=True)
    item = {**keys.graph(graph["graph_id"]), "type": "graph", "version": graph["version"], "body": body}
    if expected_version is None:
        return table.put(item, "attribute_not_exists(pk)")
    return table.put(item, "version = :v", {":v": expected_version})


def save(change: Change) -> None:
    """Write one change atomically; raises Rejected when another change of these graphs or rows came first.
    What does not fit the first transaction (a large merge's or erasure's rows) follows in further ones:
    meanwhile an absorbed graph's forward keeps lookups right, and a later merge that moves such a row
    again leaves a forward behind as well."""
    gid = change.graph["graph_id"]
    guarded = [_graph_put(change.graph, change.read_version)]
    for other in change.absorbed:
        forward = {**keys.graph(other["graph_id"]), "type": "graph", "version": other["version"] + 1, "forward": gid}
        guarded.append(table.put(forward, "version = :v", {":v": other["version"]}))
    guarded += [table.put({**keys.identifier(identifier_id), "graph_id": gid}, "attribute_not_exists(pk)") for identifier_id in change.new_ids]
    # Rows of absorbed graphs need no guard of their own: each absorbed graph is guarded by its version,
    # and its identifiers are exactly the rows that lead to it.
    plain = [table.put({**keys.identifier(identifier_id), "graph_id": gid}) for identifier_id in change.repoint]
    plain += [table.put({**keys.profile(pid), "anchor_id": anchor_id}) for pid, anchor_id in change.new_profiles.items()]
    plain += [table.delete(keys.profile(pid)) for pid in change.gone_profiles]
    plain += [table.delete(keys.identifier(identifier_id)) for identifier_id in change.removed_ids]
    plain += [table.put({**keys.erased(digest(source)), "at": change.at}) for source in change.erased_sources]
    if len(guarded) > table.MAX_TRANSACTION_ITEMS:
        raise ValueError("one identify brings at most a few dozen identifiers")
    room = table.MAX_TRANSACTION_ITEMS - len(guarded)
    table.transact(guarded + plain[:room])
    rest = plain[room:]
    for start in range(0, len(rest), table.MAX_TRANSACTION_ITEMS):  # a large merge or erasure: after the guarded part
        table.transact(rest[start : start + table.MAX_TRANSACTION_ITEMS])


def profile_anchor(pid: str) -> str | None:
    item = table.get(keys.profile(pid))
    return item["anchor_id"] if item else None


def graph_holding(identifier_id: str) -> Graph | None:
    graphs, _ = lookup([identifier_id])
    loaded = load(set(graphs.values()))
    return loaded[0] if loaded else None
