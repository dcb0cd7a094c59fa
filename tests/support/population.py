"""A synthetic population with known truth, spread over channels, for measuring merge quality.

Each person has some of: an account, one or two emails, a phone, a loyalty card (registered to their email
or phone when they joined), a marketplace buyer id. They are seen 2 to 6 times: web sign-ins and orders, POS sales by phone or card, marketplace orders.
Noise, as in real data: typos in emails (a new, wrong address), families sharing one phone (each with
their own email), junk values (test@test.com, "none", the store's own phone) typed at the till, phones
written without the country code. A family's sharing shows in the data at least once (an order with the
member's own email and the home phone): a member only ever seen by the shared phone is indistinguishable
from its owner by any rule, and would only measure the generator.

Names, where the channel collects one: the loyalty sign-up form, web and app orders (the account's or the
shipping name), marketplace buyers; never a sale at the till. A family shares a surname as well as the
phone; strangers share names too (a small pool). As typed: case, accents, the words swapped (a marketplace's
"DUPONT Marie"), an initial for a first name, a typo, a nickname (mostly common diminutives, some a
family's own that no table knows), and now and then someone else's name (a gift, a household member's).
Names come from a random stream of their own, so the identifiers are the same as without them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from profiles.logic.rules import Kind

STORE_PHONE = "+33 1 44 55 66 77"  # blocked in the default rules


GIVEN = (
    "Marie Jean Pierre Louis Lucas Léa Chloé Hugo Emma Jules Zoé Inès Noé Théo Anaïs Hélène Gaël Loïc Maëlle Jérôme "
    "Céline Amélie Olivier Sophie Julien Camille Manon Paul Nathalie Isabelle Claire Lucie Antoine Thomas Nicolas Alexandre "
    "Robert William Catherine Elizabeth Michael Margaret James Daniel Christophe Sébastien Frédéric Stephen Susan Jennifer "
    "Patrick Vincent Emmanuel Florence Caroline Valérie Stéphanie Mathieu Benjamin Samuel David Joseph Andrew Anna Sarah "
    "Laura Clara Adam Nathan Louise Gabriel Arthur Rose Alice Victor"
).split()
SURNAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèbvre Michel Garcia David "
    "Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet François Martinez Legrand "
    "Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez "
    "Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël "
    "Meyer Lucas Meunier Jean Pérez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez "
    "Pierre Renard Arnaud Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe "
    "Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da-Silva Hubert Louis Charles Guillot Rivière Le-Gall Guillaume "
    "Adam Rey Moulin Gonzalez Berger Lecomte Menard Fleury Deschamps Carpentier Julien Benoît O'Brien Smith Johnson"
).split()
# The diminutives people go by (the matcher's own table is normalize.NICKNAMES: most of these, not all).
DIMINUTIVES = {
    "Robert": ["Bob", "Rob"],
    "William": ["Bill", "Will"],
    "Catherine": ["Kate", "Cathy"],
    "Elizabeth": ["Liz", "Beth", "Lizzie"],
    "Michael": ["Mike"],
    "Margaret": ["Maggie", "Peggy"],
    "James": ["Jim", "Jimmy"],
    "Daniel": ["Dan", "Dany"],
    "Thomas": ["Tom"],
    "Nicolas": ["Nico"],
    "Alexandre": ["Alex"],
    "Christophe": ["Chris", "Cricri"],
    "Sébastien": ["Seb", "Bastien"],
    "Frédéric": ["Fred"],
    "Stephen": ["Steve"],
    "Susan": ["Sue"],
    "Jennifer": ["Jen", "Jenny"],
    "Patrick": ["Pat"],
    "Emmanuel": ["Manu"],
    "Florence": ["Flo"],
    "Caroline": ["Caro"],
    "Stéphanie": ["Steph"],
    "Mathieu": ["Matt"],
    "Benjamin": ["Ben"],
    "Samuel": ["Sam"],
    "David": ["Dave"],
    "Joseph": ["Joe", "Jo"],
    "Andrew": ["Andy"],
    "Isabelle": ["Isa"],
}
# How often a channel's sighting carries a name: the loyalty form asks, orders ship to someone, the till asks nothing.
NAME_CHANCE = {"enrol": 0.95, "web": 0.85, "app": 0.85, "marketplace": 0.9, "pos": 0.0}
PET_NAMES = ["Titou", "Loulou", "Kiki", "Bibou", "Doudou", "Mimi", "Nounou", "Zaza"]  # a family's own: no table knows them


@dataclass
class Seen:
    person: int
    given: dict[Kind, str | None]
    channel: str
    channel_kind: str
    at: str
    source: str
    name: str | None = None


@dataclass
class Person:
    given: str
    surname: str
    goes_by: str | None  # a nickname used on some sightings


def _person_name(surname: str | None, rng: random.Random) -> Person:
    given = rng.choice(GIVEN)
    goes_by = None
    if given in DIMINUTIVES and rng.random() < 0.4:
        goes_by = rng.choice(DIMINUTIVES[given])
    elif rng.random() < 0.04:
        goes_by = rng.choice(PET_NAMES)
    return Person(given=given, surname=surname or rng.choice(SURNAMES), goes_by=goes_by)


def _strip_accents(text: str) -> str:
    import unicodedata

    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def _name_typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1) if len(word) > 2 else 0
    kind = rng.choice(["swap", "drop", "double", "wrong"])
    if kind == "swap":
        return word[:i] + word[i + 1 : i + 2] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def _written(person: Person, channel: str, rng: random.Random) -> str:
    """A person's name as a channel's form received it."""
    given = person.goes_by if person.goes_by and rng.random() < 0.4 else person.given
    surname = person.surname.replace("-", " ") if rng.random() < 0.5 else person.surname
    if rng.random() < 0.04:
        given, surname = (_name_typo(given, rng), surname) if rng.random() < 0.5 else (given, _name_typo(surname, rng))
    if rng.random() < 0.05:
        given = given[0] + "."
    if rng.random() < 0.3:
        given, surname = _strip_accents(given), _strip_accents(surname)
    if channel == "marketplace" and rng.random() < 0.4:
        return f"{surname.upper()} {given}"
    written = f"{given} {surname}"
    return written.lower() if rng.random() < 0.1 else written.upper() if rng.random() < 0.1 else written


def _name_on(person: int, channel: str, rng: random.Random, names: dict[int, Person], household: dict[int, int], chance: float) -> str | None:
    """The name a sighting carries: none where the channel does not ask; sometimes someone else's."""
    if rng.random() >= chance:
        return None
    if rng.random() < 0.04:  # a gift's recipient, or the household member the order was for
        other = household.get(person)
        return _written(names[other] if other is not None and rng.random() < 0.5 else _person_name(None, rng), channel, rng)
    return _written(names[person], channel, rng)


def _typo(address: str, rng: random.Random) -> str:
    local, domain = address.split("@")
    i = rng.randrange(len(local) - 1)
    return f"{local[:i]}{local[i + 1]}{local[i]}{local[i + 2 :]}@{domain}" if local[i] != local[i + 1] else f"{local}x@{domain}"


def people(count: int, seed: int = 7) -> list[Seen]:
    rng = random.Random(seed)
    named = random.Random(f"names-{seed}")  # its own stream: the identifiers do not change with names
    seen: list[Seen] = []
    phones: dict[int, str] = {}
    names: dict[int, Person] = {}
    household: dict[int, int] = {}
    for person in range(count):
        family_of = person - 1 if person % 20 == 19 else None  # 5 % share a parent's phone
        names[person] = _person_name(names[family_of].surname if family_of is not None else None, named)
        if family_of is not None:
            household[person], household[family_of] = family_of, person
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
    for one in seen:  # in the order they were made: the names' stream does not depend on the shuffle
        one.name = _name_on(one.person, one.channel, named, names, household, NAME_CHANCE[one.channel if not one.source.startswith("enrol:") else "enrol"])
    rng.shuffle(seen)
    return seen


def measure(count: int, seed: int, rules, names: bool = True) -> tuple[float, float, int]:
    """Precision, recall and the number of profiles when `count` people of this seed are identified
    (`names=False`: as if no channel collected names)."""
    from support.identity_graphs import MemoryGraphs, sighting

    population = people(count, seed=seed)
    graphs = MemoryGraphs(rules)
    for seen in population:
        graphs.identify(sighting(seen.given, rules, source=seen.source, at=seen.at, channel=seen.channel, channel_kind=seen.channel_kind, name=seen.name if names else None))
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
