"""The identity graph's pure logic: order-independent partitions, rules that refuse merges, undoable merges."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from profiles.logic import identity
from profiles.logic.graph import partition
from profiles.logic.rules import Kind, MatchRules
from support.identity_graphs import MemoryGraphs, sighting

RULES = MatchRules()
POOLS = {
    Kind.account: [f"acct-{n}" for n in range(3)],
    Kind.email: [f"p{n}@example.com" for n in range(5)],
    Kind.phone: ["+33612345670", "+33612345671", "+33612345672", "+33612345673"],
    Kind.loyalty_card: ["CARD000001", "CARD000002", "CARD000003"],
    Kind.device: ["dev-1", "dev-2"],
}

# Names that agree (a typo, a nickname, the words swapped), a family's and a stranger's, and none.
NAMES = [None, None, "Marie Dupont", "DUPONT Marie", "Marie Dupnot", "Lucas Dupont", "Bob Martin", "Robert Martin", "Ann Lee"]

one_sighting = st.tuples(
    st.dictionaries(st.sampled_from(list(POOLS)), st.integers(0, 4), min_size=1, max_size=3),
    st.integers(0, 30),  # minute of the day it was seen
    st.sampled_from(NAMES),
)


def _sightings(drawn):
    found = []
    for n, (chosen, minute, name) in enumerate(drawn):
        given_ids = {kind: POOLS[kind][index % len(POOLS[kind])] for kind, index in chosen.items()}
        found.append(sighting(given_ids, RULES, source=f"order:{n}", at=f"2026-11-20T10:{minute:02d}:00Z", name=name))
    return found


def _groups(sightings) -> set[frozenset[str]]:
    graphs = MemoryGraphs(RULES)
    for seen in sightings:
        graphs.identify(seen)
    return graphs.groups()


@settings(max_examples=150, deadline=None)
@given(st.lists(one_sighting, min_size=1, max_size=14), st.randoms(use_true_random=False), st.lists(st.integers(0, 13), max_size=5))
def test_the_same_identify_events_in_any_order_and_replayed_give_the_same_groups(drawn, random, replays):
    sightings = _sightings(drawn)
    expected = _groups(sightings)
    shuffled = sightings + [sightings[n % len(sightings)] for n in replays]  # redelivered events
    random.shuffle(shuffled)
    assert _groups(shuffled) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(one_sighting, min_size=1, max_size=14))
def test_incremental_identifies_agree_with_one_partition_of_all_records(drawn):
    """Each identify re-derives its cluster only; the result equals partitioning every record at once."""
    sightings = _sightings(drawn)
    graphs = MemoryGraphs(RULES)
    for seen in sightings:
        graphs.identify(seen)
    records, values = {}, {}
    for graph in graphs.graphs.values():
        values |= graph["values"]
        records |= {record.key: record for record in identity.records_of(graph)}
    whole = {frozenset(group) for group in partition(records.values(), RULES, alike=identity.alike_emails(values)).groups}
    assert whole == {frozenset(profile["records"]) for graph in graphs.graphs.values() for profile in graph["profiles"].values()}


def test_two_accounts_never_merge_and_the_refusal_is_logged_without_personal_data():
    graphs = MemoryGraphs(RULES)
    graphs.identify(sighting({Kind.account: "acct-1", Kind.email: "ann@example.com"}, RULES, source="signin:1", at="2026-11-20T10:00:00Z"))
    graphs.identify(sighting({Kind.account: "acct-2", Kind.email: "ann@example.com"}, RULES, source="signin:2", at="2026-11-20T10:01:00Z"))
    assert graphs.groups() == {frozenset({"signin:1"}), frozenset({"signin:2"})}
    (refused,) = [entry for entry in graphs.log if entry["kind"] == "refused"]
    assert refused["reason"] == "limit:account"
    assert "ann" not in str(graphs.log) and "acct" not in str(graphs.log)


def test_a_shared_family_phone_does_not_merge_two_people_with_different_emails():
    graphs = MemoryGraphs(RULES)
    graphs.identify(sighting({Kind.email: "mum@example.com", Kind.phone: "+33612345678"}, RULES, source="order:1", at="2026-11-20T10:00:00Z"))
    graphs.identify(sighting({Kind.email: "son@example.com", Kind.phone: "+33612345678"}, RULES, source="order:2", at="2026-11-20T10:01:00Z"))
    graphs.identify(sighting({Kind.email: "mum@example.com", Kind.loyalty_card: "CARD000001"}, RULES, source="order:3", at="2026-11-20T10:02:00Z"))
    assert graphs.groups() == {frozenset({"order:1", "order:3"}), frozenset({"order:2"})}
    assert [entry["reason"] for entry in graphs.log if entry["kind"] == "refused"] == ["veto:phone"]


def test_a_phone_behind_two_accounts_is_shared_so_a_phone_only_sighting_joins_neither():
    graphs = MemoryGraphs(RULES)
    graphs.identify(sighting({Kind.account: "acct-1", Kind.phone: "+33612345678"}, RULES, source="signin:1", at="2026-11-20T10:00:00Z"))
    graphs.identify(sighting({Kind.account: "acct-2", Kind.phone: "+33612345678"}, RULES, source="signin:2", at="2026-11-20T10:01:00Z"))
    graphs.identify(sighting({Kind.phone: "+33612345678"}, RULES, source="order:3", at="2026-11-20T10:02:00Z"))
    assert graphs.groups() == {frozenset({"signin:1"}), frozenset({"signin:2"}), frozenset({"order:3"})}


def test_identifier_types_outside_merge_on_never_merge():
    graphs = MemoryGraphs(RULES)
    graphs.identify(sighting({Kind.device: "shared-ipad", Kind.email: "a@example.com"}, RULES, source="signin:a", at="2026-11-20T10:00:00Z"))
    graphs.identify(sighting({Kind.device: "shared-ipad", Kind.email: "b@example.com"}, RULES, source="signin:b", at="2026-11-20T10:01:00Z"))
    assert graphs.groups() == {frozenset({"signin:a"}), frozenset({"signin:b"})}
    assert len(graphs.graphs) == 1, "one cluster (they share an identifier), two profiles"


@settings(max_examples=150, deadline=None)
@given(st.lists(one_sighting, min_size=2, max_size=10), one_sighting)
def test_merge_then_unmerge_restores_the_previous_groups(drawn, bridge):
    sightings = _sightings(drawn)
    graphs = MemoryGraphs(RULES)
    for seen in sightings:
        graphs.identify(seen)
    before = graphs.groups()
    (bridging,) = _sightings([bridge])
    bridging = identity.Sighting(**{**bridging.__dict__, "source": "order:bridge", "at": "2026-11-20T11:00:00Z"})
    logged = len(graphs.log)
    graphs.identify(bridging)
    merges = [entry for entry in graphs.log[logged:] if entry["kind"] == "merge"]
    if not merges:
        return  # the bridge merged nothing
    graphs.unmerge(merges[-1]["survivor"], merges[-1]["id"])
    after = {frozenset(group - {"order:bridge"}) for group in graphs.groups()} - {frozenset()}
    assert after == before


def test_profile_ids_are_the_anchors_and_survive_later_records():
    graphs = MemoryGraphs(RULES)
    graphs.identify(sighting({Kind.email: "ann@example.com"}, RULES, source="order:1", at="2026-11-20T10:00:00Z"))
    (first,) = graphs.profile_of_source().values()
    graphs.identify(sighting({Kind.email: "ann@example.com", Kind.phone: "+33612345678"}, RULES, source="order:2", at="2026-11-21T10:00:00Z"))
    assert set(graphs.profile_of_source().values()) == {first}


def test_an_unmerge_detaches_its_bridge_so_later_records_go_back_where_they_were():
    """x (seen after the bridge, but identified before it arrived) shares the card with both the bridge and
    its own group: if others could still link through the bridge, x would follow it into the other group."""
    graphs = MemoryGraphs(RULES)
    graphs.identify(sighting({Kind.email: "ann@example.com"}, RULES, source="order:a1", at="2026-11-20T10:00:00Z"))
    graphs.identify(sighting({Kind.loyalty_card: "CARD000002"}, RULES, source="order:a2", at="2026-11-20T10:01:00Z"))
    graphs.identify(sighting({Kind.loyalty_card: "CARD000002", Kind.email: "bob@example.com"}, RULES, source="order:x", at="2026-11-20T10:04:00Z"))
    before = graphs.groups()
    graphs.identify(sighting({Kind.email: "ann@example.com", Kind.loyalty_card: "CARD000002"}, RULES, source="order:bridge", at="2026-11-20T10:03:00Z"))
    (merge,) = [entry for entry in graphs.log if entry["kind"] == "merge"]
    graphs.unmerge(merge["survivor"], merge["id"])
    assert {frozenset(group - {"order:bridge"}) for group in graphs.groups()} == before


PHONE = "+33612345678"


def _seen(graphs: MemoryGraphs, source: str, minute: int, name: str | None = None, **given) -> None:
    ids = {Kind(kind): value for kind, value in given.items()}
    graphs.identify(sighting(ids, RULES, source=source, at=f"2026-11-20T10:{minute:02d}:00Z", name=name))


def test_a_shared_family_phone_said_with_a_name_joins_that_member_and_a_nameless_one_joins_nobody():
    graphs = MemoryGraphs(RULES)
    _seen(graphs, "order:mum", 0, "Marie Dupont", email="mum@example.com", phone=PHONE)
    _seen(graphs, "order:son", 1, "Lucas Dupont", email="son@example.com", phone=PHONE)
    _seen(graphs, "order:till-named", 2, "DUPONT Lucas", phone=PHONE)
    _seen(graphs, "order:till", 3, phone=PHONE)
    assert graphs.groups() == {frozenset({"order:mum"}), frozenset({"order:son", "order:till-named"}), frozenset({"order:till"})}


def test_one_persons_work_and_home_emails_meet_through_their_phone_when_their_names_agree():
    """A nickname, a typo, the words swapped, accents and case: still one person's name; the merge log
    names the rule and holds no name."""
    graphs = MemoryGraphs(RULES)
    _seen(graphs, "order:home", 0, "Robert Lefèvre", email="bob@example.com", phone=PHONE)
    _seen(graphs, "order:work", 1, "Robert Lefèrve", email="r.lefevre@corp.example")
    _seen(graphs, "order:work-2", 2, "LEFEVRE Bob", email="r.lefevre@corp.example", phone=PHONE)
    assert graphs.groups() == {frozenset({"order:home", "order:work", "order:work-2"})}
    (merge,) = [entry for entry in graphs.log if entry["kind"] == "merge"]
    assert merge["rules"] == ["email", "name+phone"]
    assert not any(word in json.dumps(graphs.log).lower() for word in ("robert", "bob", "lef"))


def test_names_that_disagree_never_link_through_a_phone_and_the_refusal_says_so():
    graphs = MemoryGraphs(RULES)
    _seen(graphs, "order:1", 0, "Marie Dupont", phone=PHONE)
    _seen(graphs, "order:2", 1, "Léa Dupont", phone=PHONE)
    assert graphs.groups() == {frozenset({"order:1"}), frozenset({"order:2"})}
    assert [entry["reason"] for entry in graphs.log if entry["kind"] == "refused"] == ["names:phone"]


def test_a_name_is_never_a_link_and_never_outweighs_a_strong_one():
    graphs = MemoryGraphs(RULES)
    _seen(graphs, "order:1", 0, "Marie Dupont", email="marie@example.com")
    _seen(graphs, "order:2", 1, "Marie Dupont", email="other.marie@example.com")  # namesakes
    _seen(graphs, "order:3", 2, "Ann Lee", email="marie@example.com")  # a gift: the email is the buyer's
    assert graphs.groups() == {frozenset({"order:1", "order:3"}), frozenset({"order:2"})}


def test_a_group_with_someone_elses_name_on_it_does_not_link_through_a_shared_phone():
    """The son once ordered in his mother's name, before anything else: his group's names are not all
    hers, so the family's phone does not bring them together (judged between whole groups, not by the
    gift's record alone when the mother's arrives)."""
    graphs = MemoryGraphs(RULES)
    _seen(graphs, "order:gift", 0, "Marie Dupont", email="son@example.com", phone=PHONE)
    _seen(graphs, "order:mum", 1, "Marie Dupont", email="mum@example.com", phone=PHONE)
    _seen(graphs, "order:son", 2, "Lucas Dupont", email="son@example.com")
    assert graphs.groups() == {frozenset({"order:mum"}), frozenset({"order:son", "order:gift"})}
