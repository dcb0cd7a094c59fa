"""Identifiers as Omni compares them: one spelling per person's value, whatever the channel typed.

email: trimmed and lower case; `+tag` plus-addressing and dots of Gmail addresses folded (configurable).
phone: E.164 with the `phonenumbers` library, read in the region of the channel or location when written
without a country code; imported on first use (about 60 ms), so only calls that parse a phone pay it.
loyalty card: letters and digits, separators dropped, upper case. channel customer id: the channel's own id,
namespaced by the channel (two marketplaces may both have a buyer 42). Generic junk (empty, "none",
"n/a"...) and the configured blocked values never become identifiers.
name: not an identifier (names are shared by strangers) but evidence on weak links: two words, folded, their
typo variants (keyed like identifiers before they are stored).
"""

from __future__ import annotations

import re

from profiles.logic.rules import Kind, MatchRules

JUNK = frozenset({"", "none", "null", "n/a", "na", "-", "unknown", "test", "nobody", "anonymous", "0"})
_EMAIL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_CARD = re.compile(r"^[A-Z0-9]{6,32}$")
_GMAIL = frozenset({"gmail.com", "googlemail.com"})


class Invalid(ValueError):
    """A value that cannot be an identifier of its type (the API answers 422 naming the field)."""


def email(value: str, rules: MatchRules) -> str:
    text = value.strip().lower()
    if not _EMAIL.match(text) or ".." in text:
        raise Invalid("not an email address")
    local, domain = text.rsplit("@", 1)
    if rules.fold_plus_addressing:
        local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        domain = "gmail.com"
        if rules.fold_gmail_dots:
            local = local.replace(".", "")
    return f"{local}@{domain}"


def phone(value: str, region: str) -> str:
    import phonenumbers  # on first use: its metadata is large

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        raise Invalid("not a phone number") from error
    if not phonenumbers.is_valid_number(number):
        raise Invalid("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def loyalty_card(value: str) -> str:
    text = re.sub(r"[\s.-]", "", value).upper()
    if not _CARD.match(text):
        raise Invalid("a loyalty card number is 6 to 32 letters or digits")
    return text


def _opaque(value: str) -> str:
    text = value.strip()
    if not text or len(text) > 200:
        raise Invalid("an id is 1 to 200 characters")
    return text


def normalized(kind: Kind, value: str, rules: MatchRules, *, channel: str | None = None, location_id: str | None = None) -> str:
    """One value in its compared form; raises Invalid when it cannot be one."""
    if kind is Kind.email:
        return email(value, rules)
    if kind is Kind.phone:
        return phone(value, rules.region_for(channel, location_id))
    if kind is Kind.loyalty_card:
        return loyalty_card(value)
    if kind is Kind.channel_customer:
        return f"{channel}:{_opaque(value)}"
    if kind is Kind.device:
        return _opaque(value).lower()
    return _opaque(value)


def is_junk(kind: Kind, value: str, rules: MatchRules) -> bool:
    """Generic junk before normalization, or a blocked value after it."""
    return value.strip().lower() in JUNK or f"{kind.value}:{value}" in rules.blocked


def identifiers(given: dict[Kind, str | None], rules: MatchRules, *, channel: str | None, location_id: str | None = None, strict: bool) -> dict[Kind, str]:
    """The usable identifiers of one sighting, normalized. Junk and blocked values are dropped. An invalid
    value raises Invalid naming its type when `strict` (an API request), and is dropped otherwise (an
    event from another domain: what a channel typed is not ours to refuse)."""
    found: dict[Kind, str] = {}
    for kind, value in given.items():
        if value is None or is_junk(kind, value, rules):
            continue
        try:
            value = normalized(kind, value, rules, channel=channel, location_id=location_id)
        except Invalid as error:
            if strict:
                raise Invalid(kind.value, str(error)) from error
            continue
        if not is_junk(kind, value, rules):
            found[kind] = value
    return found


# Common diminutives, read as the given name they shorten (English and French; a deployment's data may need
# more). A nickname not in this table reads as a different given name: its links through a shared phone wait
# for other evidence.
NICKNAMES = dict(
    pair.split("=")
    for pair in """
    alex=alexandre alexander=alexandre andy=andrew bill=william billy=william will=william bob=robert bobby=robert
    rob=robert cathy=catherine kate=catherine katie=catherine katherine=catherine chris=christophe
    christopher=christophe dan=daniel danny=daniel dave=david fred=frederic jim=james jimmy=james jen=jennifer
    jenny=jennifer joe=joseph liz=elizabeth beth=elizabeth elisabeth=elizabeth maggie=margaret meg=margaret
    peggy=margaret max=maxime mike=michael mick=michael nick=nicolas nico=nicolas nicholas=nicolas pat=patrick
    seb=sebastien steve=stephen steven=stephen sue=susan suzanne=susan tom=thomas tommy=thomas tony=antoine
    anthony=antoine val=valerie vince=vincent manu=emmanuel flo=florence steph=stephanie caro=caroline
    domi=dominique isa=isabelle matt=mathieu matthew=mathieu matthieu=mathieu ben=benjamin sam=samuel greg=gregoire
    gregory=gregoire
""".split()
)
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "m", "mme", "mlle", "madame", "monsieur", "prof"})


def name(value: str) -> tuple[str, str] | None:
    """A person's name as two comparable words, the first and the last (middle names dropped): accents,
    case, punctuation and titles folded, a hyphenated or apostrophed word written as one ("Jean-Pierre",
    "O'Brien"), a known diminutive read as its given name (on either word: the order of the two is not
    trusted). None when it cannot tell people apart: one word, or an initial for a first name ("J. Smith"
    fits John and Jane, who often share a phone). Raises Invalid when it holds no letter at all."""
    import unicodedata

    folded = "".join(char for char in unicodedata.normalize("NFKD", value) if not unicodedata.combining(char)).casefold()
    if not any(char.isalpha() for char in folded):
        raise Invalid("a name needs letters")
    words = [word for word in re.sub(r"[^\w\s]|[\d_]", "", re.sub(r"[-'’]", "", folded)).split() if word not in _HONORIFICS]
    if len(words) < 2 or len(words[0]) < 2 or len(words[-1]) < 2:
        return None
    return NICKNAMES.get(words[0], words[0]), NICKNAMES.get(words[-1], words[-1])


def name_variants(word: str) -> list[str]:
    """What a name word is compared by: itself and, from five letters up, each spelling one letter shorter
    but the last (two words one typo apart, a letter wrong, missing, extra or swapped, share one). Shorter
    words must be exact (Tom and Tim, Anna and Anne are two people), and a missing or extra last letter is
    not forgiven: that is how Louis becomes Louise, and Paul Paula, in one family."""
    if len(word) < 5:
        return [word]
    return [word, *sorted({word[:i] + word[i + 1 :] for i in range(len(word) - 1)})]


def name_evidence(value: str) -> tuple[list[str], list[str]] | None:
    """The variants of a name's two words, to be keyed (None: the name cannot tell people apart)."""
    words = name(value)
    return (name_variants(words[0]), name_variants(words[1])) if words else None
