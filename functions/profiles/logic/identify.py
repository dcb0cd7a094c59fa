"""Identify, unmerge and erase against the table: read the touched graphs, change them with the pure
logic (logic.identity), write them back guarded, and read again when another change won the race."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kernel.clock import iso, now
from kernel.errors import Conflict, NotFound
from kernel.observability import logger, metrics
from kernel.table import Rejected
from profiles.dal import graphs
from profiles.dal.hashing import keyed, keyed_word
from profiles.logic import identity
from profiles.logic.identity import Graph, Sighting
from profiles.logic.normalize import Invalid, identifiers, name_evidence
from profiles.logic.rules import Kind, rules

ATTEMPTS = 6


@dataclass(frozen=True)
class Outcome:
    profile_id: str | None  # None: nothing to identify by, or an erased source replayed
    changed: bool


def sighting(
    given: dict[Kind, str | None],
    *,
    source: str,
    at: str | None = None,
    channel: str | None,
    channel_kind: str | None,
    location_id: str | None = None,
    fields: dict[str, str] | None = None,
    consent: dict[str, bool] | None = None,
    name: str | None = None,
    strict: bool,
) -> Sighting | None:
    """Normalize and key what a channel gave; None when nothing usable is left (junk only). The person's
    name, when the channel collects one, is a field (as said) and evidence (keyed, see Sighting.name)."""
    found = identifiers(given, rules().match, channel=channel, location_id=location_id, strict=strict)
    evidence = _name_evidence(name, strict)
    if not found:
        return None
    ids = {keyed(kind.value, value): value for kind, value in found.items()}
    fields = {**(fields or {}), **({"name": name.strip()} if name and name.strip() else {})}
    return Sighting(source=source, at=at or iso(now()), channel=channel, channel_kind=channel_kind, ids=ids, fields=fields, consent=consent or {}, name=evidence)


def _name_evidence(name: str | None, strict: bool) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    if not name:
        return None
    try:
        words = name_evidence(name)
    except Invalid as error:
        if strict:
            raise Invalid("name", str(error)) from error
        return None
    return tuple(tuple(keyed_word(variant) for variant in variants) for variants in words) if words else None


def _log(entries: list[dict]) -> None:
    """The merge log without personal data: ids, kinds and reasons only."""
    for entry in entries:
        logger.info(f"identity {entry['kind']}", extra={"merge_log": entry})
        metrics.add_metric(
            name={"merge": "ProfilesMerged", "unmerge": "ProfilesUnmerged", "refused": "MergesRefused", "erase": "ProfilesErased", "split": "ProfilesSplit"}[entry["kind"]], unit="Count", value=1
        )


def _read_version(loaded: list[Graph], graph: Graph) -> int | None:
    return next((item["version"] for item in loaded if item["graph_id"] == graph["graph_id"]), None)


def identify(seen: Sighting) -> Outcome:
    for _ in range(ATTEMPTS):
        located, erased = graphs.lookup(list(seen.ids), seen.source)
        if erased:
            logger.info("identify of an erased source ignored")
            return Outcome(profile_id=None, changed=False)
        loaded = graphs.load(set(located.values()))
        graph, absorbed = identity.combine(loaded, new_id=uuid.uuid4().hex)
        read_version = _read_version(loaded, graph)
        key = identity.add(graph, seen)
        if key is None and not absorbed:
            return Outcome(profile_id=identity.profile_of_sighting(graph, seen), changed=False)
        resolution = identity.resolve(graph, rules().match, at=seen.at, bridge=key)
        gid = graph["graph_id"]
        change = graphs.Change(
            graph=resolution.graph,
            read_version=read_version,
            at=seen.at,
            absorbed=absorbed,
            new_ids=[identifier for identifier in seen.ids if identifier not in located],
            repoint=sorted({identifier for other in absorbed for identifier in other["values"]} | {i for i in seen.ids if i in located and located[i] != gid}),
            new_profiles=resolution.new_profiles,
            gone_profiles=resolution.gone_profiles,
        )
        try:
            graphs.save(change)
        except Rejected:
            continue  # another identify changed one of these graphs or rows first: read again
        _log(resolution.log)
        return Outcome(profile_id=identity.profile_of_sighting(resolution.graph, seen), changed=True)
    raise Conflict("the identity graph is changing too fast here; retry", code="contended")


def graph_of_profile(profile_id: str) -> Graph:
    anchor = graphs.profile_anchor(profile_id)
    graph = graphs.graph_holding(anchor) if anchor else None
    if graph is None or profile_id not in graph["profiles"]:
        raise NotFound(f"unknown profile {profile_id}", field="profile_id")
    return graph


def graph_of_customer(customer_id: str) -> tuple[Graph | None, str | None]:
    """The graph and profile of a signed-in shopper (None, None before their first sign-in)."""
    identifier = keyed(Kind.account.value, customer_id)
    graph = graphs.graph_holding(identifier)
    return (graph, identity.profile_of(graph, identifier)) if graph else (None, None)


def _change_in_place(profile_id: str, change) -> Graph:
    """Run `change(graph) -> (Resolution, Change options)` on the profile's graph, retried on a lost race."""
    for _ in range(ATTEMPTS):
        graph = graph_of_profile(profile_id)
        read_version = graph["version"]
        resolution, options = change(graph)
        try:
            graphs.save(graphs.Change(graph=resolution.graph, read_version=read_version, at=options.pop("at"), new_profiles=resolution.new_profiles, gone_profiles=resolution.gone_profiles, **options))
        except Rejected:
            continue
        _log(resolution.log)
        return resolution.graph
    raise Conflict("the identity graph is changing too fast here; retry", code="contended")


def unmerge(profile_id: str, merge_id: str) -> Graph:
    def change(graph: Graph):
        if not identity.unmerge(graph, merge_id):
            raise NotFound(f"no merge {merge_id} to undo in this profile", field="merge_id")
        at = iso(now())
        return identity.resolve(graph, rules().match, at=at, unmerge_of=merge_id), {"at": at}

    return _change_in_place(profile_id, change)


def erase(profile_id: str) -> Graph:
    def change(graph: Graph):
        at = iso(now())
        erasure = identity.erase(graph, profile_id, at)
        resolution = identity.resolve(graph, rules().match, at=at)
        return resolution, {"at": at, "removed_ids": erasure.removed_ids, "erased_sources": erasure.sources}

    return _change_in_place(profile_id, change)
