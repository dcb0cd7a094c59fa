"""Order numbers: short enough to read out at a store counter, unguessable enough not to be enumerated.

A channel letter, a dash and six Crockford base-32 characters (no I, L, O or U to misread): about a
billion numbers per channel. Uniqueness is not left to chance: the number is claimed by its own item in
the same transaction as the order, and a collision draws another.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6


def order_number(channel: str) -> str:
    return f"{channel[:1].upper()}-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
