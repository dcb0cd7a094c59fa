"""A synthetic population with known truth, spread over channels, for measuring merge quality.

Each person has some of: an account, one or two emails, a phone, a loyalty card (registered to their email
or phone when they joined), a marketplace buyer id. They are seen 2 to 6 times: web sign-ins and orders, POS sales by phone or card, marketplace orders.
Noise, as in real data: typos in emails (a new, wrong address), families sharing one phone (each with
their own email), junk values (test@test.com, "none", the store's own phone) typed at the till, phones
written without the country code. A family's sharing shows in the data at least once (an order with the
member's own email and the home phone): a member only ever seen by the shared phone is indistinguishable
from its owner by any rule, and would only measure the generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from profiles.logic.rules import Kind

STORE_PHONE = "+33 1 44 55 66 77"  # blocked in the default rules


@dataclass
class Seen:
    person: int
    given: dict[Kind, str | None]
    channel: str
    channel_kind: str
    at: str
    source: str


def _typo(address: str, rng: random.Random) -> str:
    local, domain = address.split("@")
    i = rng.randrange(len(local) - 1)
    return f"{local[:i]}{local[i + 1]}{local[i]}{local[i + 2 :]}@{domain}" if local[i] != local[i + 1] else f"{local}x@{domain}"


def people(count: int, seed: int = 7) -> list[Seen]:
    rng = random.Random(seed)
    seen: list[Seen] = []
    phones: dict[int, str] = {}
    for person in range(count):
        family_of = person - 1 if person % 20 == 19 else None  # 5 % share a parent's phone
        emails = [f"user{person}.{rng.randrange(10**6)}@{rng.choice(['gmail.com', 'example.com', 'mail.fr'])}"]
        if rng.random() < 0.15:
            emails.append(f"work{person}@corp{rng.randrange(50)}.com")
        phones[person] = phones[family_of] if family_of is not None else f"06{rng.randrange(10, 80)}{rng.randrange(10**6):06d}"
        account = f"sub-{person}" if rng.random() < 0.6 else None
        card = f"CARD{person:08d}" if rng.random() < 0.4 else None
        buyer = f"buyer-{person}" if rng.random() < 0.2 else None
        if card:  # joining the loyalty programme at a till: the card, with the email or the phone it is registered to
            enrolled = {Kind.loyalty_card: card, Kind.email: emails[0]} if rng.random() < 0.6 else {Kind.loyalty_card: card, Kind.phone: phones[person]}
            seen.append(Seen(person=person, given=enrolled, channel="pos", channel_kind="store", at="2026-01-01T09:00:00Z", source=f"enrol:{person}"))
        if family_of is not None:  # the sharing shows somewhere: an order with their own email and the home phone
            seen.append(
                Seen(
                    person=person,
                    given={Kind.email: emails[0], Kind.phone: phones[person]},
                    channel="web",
                    channel_kind="storefront",
                    at=f"2026-{rng.randint(1, 11):02d}-15T12:00:00Z",
                    source=f"order:{person}-home",
                )
            )
        for visit in range(rng.randint(2, 6)):
            at = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T{rng.randint(8, 20):02d}:00:00Z"
            email = rng.choice(emails)
            if rng.random() < 0.04:
                email = _typo(email, rng)
            roll = rng.random()
            if roll < 0.35:  # web or app: a sign-in or an order of a signed-in shopper (or a guest)
                given = {Kind.account: account, Kind.email: email, Kind.phone: phones[person] if rng.random() < 0.5 else None}
                channel, kind = rng.choice(["web", "app"]), "storefront"
            elif roll < 0.75:  # POS: phone, loyalty card, sometimes the email for the receipt; junk at the till
                given = {Kind.phone: phones[person] if rng.random() < 0.7 else None, Kind.loyalty_card: card, Kind.email: email if rng.random() < 0.5 else None}
                if rng.random() < 0.08:
                    given[Kind.phone] = STORE_PHONE
                if rng.random() < 0.05:
                    given[Kind.email] = rng.choice(["test@test.com", "none", "n/a"])
                channel, kind = "pos", "store"
            else:  # marketplace: the buyer id, the email, sometimes the phone
                given = {Kind.channel_customer: buyer, Kind.email: email, Kind.phone: phones[person] if rng.random() < 0.3 else None}
                channel, kind = "marketplace", "marketplace"
            seen.append(Seen(person=person, given=given, channel=channel, channel_kind=kind, at=at, source=f"order:{person}-{visit}"))
    rng.shuffle(seen)
    return seen


def measure(count: int, seed: int, rules) -> tuple[float, float, int]:
    """Precision, recall and the number of profiles when `count` people of this seed are identified."""
    from support.identity_graphs import MemoryGraphs, sighting

    population = people(count, seed=seed)
    graphs = MemoryGraphs(rules)
    for seen in population:
        graphs.identify(sighting(seen.given, rules, source=seen.source, at=seen.at, channel=seen.channel, channel_kind=seen.channel_kind))
    predicted = graphs.profile_of_source()
    precision, recall = precision_recall({seen.source: seen.person for seen in population}, predicted)
    return precision, recall, len(set(predicted.values()))


def pairs(sizes) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def precision_recall(truth: dict[str, int], predicted: dict[str, str]) -> tuple[float, float]:
    """Pairwise over the sightings that identified someone: same profile and same person."""
    from collections import Counter

    sources = [source for source in truth if source in predicted]
    both = Counter((predicted[source], truth[source]) for source in sources)
    predicted_pairs = pairs(Counter(predicted[source] for source in sources).values())
    true_pairs = pairs(Counter(truth[source] for source in sources).values())
    right = pairs(both.values())
    return right / max(predicted_pairs, 1), right / max(true_pairs, 1)
