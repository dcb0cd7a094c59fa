"""Identifiers as Omni compares them: one spelling per person's value, whatever the channel typed.

email: trimmed and lower case; `+tag` plus-addressing and dots of Gmail addresses folded (configurable).
phone: E.164 with the `phonenumbers` library, read in the region of the channel or location when written
without a country code; imported on first use (about 60 ms), so only calls that parse a phone pay it.
loyalty card: letters and digits, separators dropped, upper case. channel customer id: the channel's own id,
namespaced by the channel (two marketplaces may both have a buyer 42). Generic junk (empty, "none",
"n/a"...) and the configured blocked values never become identifiers.
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
