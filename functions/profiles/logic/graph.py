"""The identity graph's partition: which source records are one person. Pure and deterministic.

A record is what one channel told us about one person at one time: a set of identifiers (type:hash). The
partition depends only on the set of records, never on the order they arrived in: records are visited
in a canonical order (earliest first, then by key) and each joins the groups it shares a merging
identifier with, in the groups' own canonical order, in two sweeps: through strong types (an account, an
email, a card...) first, then through weak ones (a phone), so that a weak link is judged between whole
groups, with all their emails and names. A merge is refused when it would break a rule:
- a limit per type (one account, at most 3 emails...),
- a veto (a link through a shared phone only, between sides with different emails),
- names that disagree (a link through a phone only, between sides some of whose names are two people's),
- an operator's unmerge (two anchors kept apart).
Names are evidence on weak links only, never a link: a phone shown to be shared (below) still links a
group to another whose names all agree with its own, whatever their emails (a person's work and home
addresses); a nameless side links nobody through it.
A refused merge is reported, never forced. A record an unmerge detached (`single`) joins at most one
group and lets nobody link through it, so undoing a merge restores the groups as they were before its
bridging record arrived. A group's anchor is its earliest record; the profile id derives from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from profiles.logic.rules import MatchRules

Name = tuple[frozenset[str], frozenset[str]]  # the keyed variants of a name's first and last words (normalize.name)


@dataclass(frozen=True, slots=True)
class Record:
    key: str
    at: str  # ISO 8601 UTC: the earliest time this record was seen
    ids: tuple[str, ...]  # "kind:hash"
    single: bool = False
    name: Name | None = None


def same_person(a: Name, b: Name) -> bool:
    """Both words of two names agree (a typo apart, nicknames folded), in either order."""
    return bool((a[0] & b[0] and a[1] & b[1]) or (a[0] & b[1] and a[1] & b[0]))


def names_agree(ours: list[Name], theirs: list[Name]) -> bool | None:
    """True when every name of each side is one person's with every name of the other, False when some
    two are not (a gift's recipient is someone else), None when a side has no name (no evidence)."""
    if not ours or not theirs:
        return None
    return all(same_person(a, b) for a in ours for b in theirs)


@dataclass(frozen=True, slots=True)
class Refusal:
    record: str  # the record that could not join
    anchor: str  # the anchor of the group it could not join
    reason: str  # limit:<kind> | veto:<kind> | names:<kind> | apart


@dataclass
class Partition:
    groups: list[tuple[str, ...]]  # record keys, anchor first, in canonical order
    refusals: list[Refusal] = field(default_factory=list)
    # Every merge of two groups: the anchors (earliest records) of both at that moment, and the rule that
    # merged them ("email", "name+phone": a phone the names agreed on...).
    joins: list[tuple[str, str, str]] = field(default_factory=list)


def partition(records: Iterable[Record], rules: MatchRules, apart: Iterable[tuple[str, str]] = (), alike: frozenset[frozenset[str]] = frozenset()) -> Partition:
    """A weak identifier (a phone) that a refusal showed to be shared by different people links only groups
    whose names agree: a nameless phone-only sighting of a family's phone cannot tell whose it is. That is
    a second pass, still a function of the records alone. `alike` pairs of identifiers (an email and its
    typo) do not disagree for a veto."""
    # Detached records come last: what they carry cannot sway any other record's merges.
    ordered = sorted(records, key=lambda record: (record.single, record.at, record.key))
    apart = list(apart)
    ambiguous: frozenset[str] = frozenset()
    evidence: list[Refusal] = []  # the vetoes that showed an identifier to be shared, kept in the log
    for _ in range(4):
        found, shared = _partition(ordered, rules, apart, ambiguous, alike)
        if shared <= ambiguous:
            break
        ambiguous |= shared
        evidence += [refusal for refusal in found.refusals if refusal.reason != "apart" and refusal not in evidence]
    found.refusals += [refusal for refusal in evidence if refusal not in found.refusals]
    return found


def _partition(ordered: list[Record], rules: MatchRules, apart: list[tuple[str, str]], ambiguous: frozenset[str], alike: frozenset[frozenset[str]]) -> tuple[Partition, frozenset[str]]:
    index = {record.key: position for position, record in enumerate(ordered)}
    kept_apart: dict[int, set[int]] = {}
    for a, b in apart:
        if a in index and b in index:
            kept_apart.setdefault(index[a], set()).add(index[b])
            kept_apart.setdefault(index[b], set()).add(index[a])
    merge_on = {kind.value for kind in rules.merge_on}
    limits = {kind.value: limit for kind, limit in rules.limits.items()}
    vetoes = {kind.value: {veto.value for veto in vetoers} for kind, vetoers in rules.vetoed_by.items()}

    parent = list(range(len(ordered)))
    members: list[list[int]] = [[position] for position in range(len(ordered))]
    values: list[dict[str, set[str]]] = [{} for _ in ordered]
    names: list[list[Name]] = [[record.name] if record.name else [] for record in ordered]
    refusals: list[Refusal] = []
    joins: list[tuple[str, str, str]] = []
    shared: set[str] = set()  # weak identifiers through which a refusal (a veto, names, a limit) refused a merge

    def find(node: int) -> int:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def refusal(mine: int, theirs: int, weak_via: set[str], agree: bool | None, shared_link: bool) -> str | None:
        """Why these two groups may not merge (None: they may). `weak_via`: the weak types the link rests on;
        `agree`: whether the two sides' names are one person's (None: a side has none); `shared_link`: the
        link is through a value shown to be shared, which only agreeing names allow."""
        ours, others = values[mine], values[theirs]
        for kind, limit in limits.items():
            a, b = ours.get(kind), others.get(kind)
            if a and b and len(a | b) > limit:
                return f"limit:{kind}"
        if weak_via and agree is False:
            return f"names:{min(weak_via)}"
        if weak_via and not shared_link:  # through a shared phone, agreeing names outweigh different emails or cards
            for kind in weak_via:
                for vetoer in vetoes[kind]:
                    a, b = ours.get(vetoer), others.get(vetoer)
                    if a and b and not a & b and not (alike and any(frozenset((x, y)) in alike for x in a for y in b)):
                        return f"veto:{kind}"
        if kept_apart:
            small, large = (mine, theirs) if len(members[mine]) <= len(members[theirs]) else (theirs, mine)
            for node in members[small]:
                if any(find(other) == large for other in kept_apart.get(node, ())):
                    return "apart"
        return None

    def union(a: int, b: int) -> int:
        if len(members[a]) < len(members[b]):
            a, b = b, a
        parent[b] = a
        members[a].extend(members[b])
        members[b] = []
        for kind, found in values[b].items():
            values[a].setdefault(kind, set()).update(found)
        values[b] = {}
        names[a] += names[b]
        names[b] = []
        return a

    parsed = [[(identifier.partition(":")[0], identifier) for identifier in record.ids] for record in ordered]
    for position, kinds in enumerate(parsed):
        for kind, identifier in kinds:
            values[position].setdefault(kind, set()).add(identifier)
    joined = [0] * len(ordered)

    def visit(position: int, record: Record, strong: bool, holders: dict[str, list[int]]) -> None:
        """Join the groups of earlier records this one links to: through a strong type (first sweep), or
        through weak types only (second sweep, between whole groups: their emails and names are all known
        by then). `holders`: this sweep's identifiers -> the groups holding them (roots, possibly stale)."""
        mine = find(position)
        linking = [(kind, identifier) for kind, identifier in parsed[position] if kind in merge_on and (kind not in vetoes) == strong]
        candidates: dict[int, set[str]] = {}  # group -> the types linking it to this record
        clear: set[int] = set()  # groups linked through an identifier not shown to be shared
        for kind, identifier in linking:
            for holder in holders.get(identifier, ()):
                root = find(holder)
                if root != mine:
                    candidates.setdefault(root, set()).add(kind)
                    if identifier not in ambiguous:
                        clear.add(root)
        for theirs in sorted(candidates, key=lambda root: min(members[root])):
            if record.single and joined[position]:
                break
            theirs = find(theirs)
            if theirs == mine:
                continue
            weak_via = set() if strong else candidates[theirs]
            agree = None if strong else names_agree(names[mine], names[theirs])
            if not strong and theirs not in clear and not agree:
                continue  # a shared phone tells whose it is by the name alone
            reason = refusal(mine, theirs, weak_via, agree, theirs not in clear)
            if reason:
                refusals.append(Refusal(record=record.key, anchor=ordered[min(members[theirs])].key, reason=reason))
                # Any refusal of a link that rests on a weak type (a veto, names, or two accounts behind one
                # phone) shows that weak value to be shared.
                if weak_via and reason != "apart" and not record.single:
                    shared.update(identifier for kind, identifier in parsed[position] if kind in weak_via)
                continue
            rule = "+".join(sorted(candidates[theirs] | ({"name"} if agree else set())))
            joins.append((ordered[min(members[mine])].key, ordered[min(members[theirs])].key, rule))
            mine, joined[position] = union(mine, theirs), joined[position] + 1
        if not record.single:
            for _, identifier in linking:
                found = holders.setdefault(identifier, [])
                if mine not in found:
                    found.append(mine)

    for strong in (True, False):
        holders: dict[str, list[int]] = {}
        for position, record in enumerate(ordered):
            visit(position, record, strong, holders)
    roots = sorted({find(position) for position in range(len(ordered))}, key=lambda root: min(members[root]))
    groups = [tuple(ordered[node].key for node in sorted(members[root])) for root in roots]
    return Partition(groups=groups, refusals=refusals, joins=joins), frozenset(shared)


def near(a: str, b: str) -> bool:
    """Two emails one typo apart (a swapped pair, a wrong, missing or extra character in the local part)."""
    (left, _, domain), (right, _, other) = a.rpartition("@"), b.rpartition("@")
    if domain != other or a == b or abs(len(left) - len(right)) > 1:
        return False
    if len(left) == len(right):
        diff = [i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and left[diff[0]] == right[diff[1]] and left[diff[1]] == right[diff[0]])
    short, long_ = sorted((left, right), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
