"""Normalization: one spelling per person's value, whatever the channel typed."""

import pytest

from profiles.logic.normalize import Invalid, email, identifiers, loyalty_card, name, name_variants, phone
from profiles.logic.rules import Kind, MatchRules

RULES = MatchRules()


def test_emails_fold_case_plus_addressing_and_gmail_dots():
    assert email("  Ann.Lee+Shoes@GMail.com ", RULES) == "annlee@gmail.com"
    assert email("ann.lee@googlemail.com", RULES) == "annlee@gmail.com"
    assert email("ann.lee+x@example.com", RULES) == "ann.lee@example.com"  # dots only fold at Gmail


def test_folding_is_configurable():
    strict = MatchRules(fold_plus_addressing=False, fold_gmail_dots=False)
    assert email("Ann.Lee+Shoes@gmail.com", strict) == "ann.lee+shoes@gmail.com"


@pytest.mark.parametrize("text", ["ann", "ann@", "@example.com", "ann@@example.com", "ann..lee@example.com", "ann@example", "a b@example.com"])
def test_malformed_emails_are_refused(text):
    with pytest.raises(Invalid):
        email(text, RULES)


def test_phones_become_e164_in_the_channel_or_location_region():
    assert phone("06 12 34 56 78", "FR") == "+33612345678"
    assert phone("+33 6 12 34 56 78", "US") == "+33612345678"
    assert phone("(415) 555-2671", "US") == "+14155552671"
    rules = MatchRules(channel_regions={"pos": "FR"}, location_regions={"london": "GB"})
    assert identifiers({Kind.phone: "06 12 34 56 78"}, rules, channel="pos", strict=True) == {Kind.phone: "+33612345678"}
    assert identifiers({Kind.phone: "07400 123456"}, rules, channel="pos", location_id="london", strict=True) == {Kind.phone: "+447400123456"}


@pytest.mark.parametrize("text", ["12", "not a phone", "+1 555", "0000000000"])
def test_malformed_phones_are_refused(text):
    with pytest.raises(Invalid):
        phone(text, "US")


def test_loyalty_cards_and_channel_customer_ids():
    assert loyalty_card(" 4000-1234 5678 ") == "400012345678"
    with pytest.raises(Invalid):
        loyalty_card("12")
    assert identifiers({Kind.channel_customer: "buyer-7"}, RULES, channel="marketplace", strict=True) == {Kind.channel_customer: "marketplace:buyer-7"}


def test_junk_and_blocked_values_never_become_identifiers():
    given = {Kind.email: "TEST@test.com", Kind.phone: "+33 1 44 55 66 77", Kind.loyalty_card: "none", Kind.device: "  "}  # a store's own phone is blocked
    assert identifiers(given, RULES, channel="pos", strict=True) == {}


def test_an_invalid_value_names_its_type_when_strict_and_is_dropped_otherwise():
    with pytest.raises(Invalid) as raised:
        identifiers({Kind.email: "ann@example.com", Kind.phone: "12"}, RULES, channel="web", strict=True)
    assert raised.value.args[0] == "phone"
    assert identifiers({Kind.email: "ann@example.com", Kind.phone: "12"}, RULES, channel="web", strict=False) == {Kind.email: "ann@example.com"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Zoé DUPONT", ("zoe", "dupont")),
        ("  Mme  Hélène   Le-Gall ", ("helene", "legall")),
        ("Jean-Pierre O'Brien", ("jeanpierre", "obrien")),
        ("Bob Marie Martin", ("robert", "martin")),  # a diminutive read as its given name; middle names dropped
        ("MARTIN Bob", ("martin", "robert")),  # the words' order is not trusted: compared either way
    ],
)
def test_names_fold_accents_case_titles_punctuation_and_diminutives(text, words):
    assert name(text) == words


@pytest.mark.parametrize("text", ["Marie", "J. Smith", "j smith", "Dr Who"])
def test_a_name_that_cannot_tell_people_apart_gives_no_evidence(text):
    assert name(text) is None


@pytest.mark.parametrize("text", ["1234", " ", "-- !"])
def test_a_name_without_letters_is_refused(text):
    with pytest.raises(Invalid):
        name(text)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("dupont", "dupnot", True),
        ("dupont", "duont", True),
        ("dupont", "duppont", True),
        ("marie", "maire", True),
        ("louis", "louise", False),
        ("paul", "paula", False),
        ("tom", "tim", False),
        ("anna", "anne", False),
    ],
)
def test_name_words_one_typo_apart_share_a_variant_but_not_short_ones_or_a_changed_last_letter(a, b, same):
    assert bool(set(name_variants(a)) & set(name_variants(b))) is same
