"""Merge quality on a synthetic population of 1,200 people with known truth (pure logic, a few seconds)."""

from profiles.logic.rules import Kind, MatchRules, rules
from support.identity_graphs import MemoryGraphs, sighting
from support.population import people, precision_recall


def test_precision_and_recall_on_a_synthetic_population_with_typos_families_and_junk():
    match = MatchRules(channel_regions={"pos": "FR", "web": "FR", "app": "FR", "marketplace": "FR"}, blocked=rules().match.blocked)
    population = people(1200, seed=7)
    graphs = MemoryGraphs(match)
    for seen in population:
        graphs.identify(sighting(seen.given, match, source=seen.source, at=seen.at, channel=seen.channel, channel_kind=seen.channel_kind))
    truth = {seen.source: seen.person for seen in population}
    precision, recall = precision_recall(truth, graphs.profile_of_source())
    print(f"\n1,200 people, {len(population)} sightings: {len({*graphs.profile_of_source().values()})} profiles; precision {precision:.4f}, recall {recall:.4f}")
    assert precision >= 0.99 and recall >= 0.9


def test_junk_never_merges_strangers():
    match = MatchRules(channel_regions={"pos": "FR"})
    graphs = MemoryGraphs(match)
    for n in range(50):
        graphs.identify(
            sighting(
                {Kind.phone: "+33 1 44 55 66 77", Kind.email: "test@test.com", Kind.loyalty_card: "none", Kind.account: f"sub-{n}"},
                match,
                source=f"order:{n}",
                at="2026-11-20T10:00:00Z",
                channel="pos",
            )
        )
    assert len(graphs.groups()) == 50
