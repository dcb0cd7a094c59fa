"""Amounts as channels write them ("199.00" in the shop's currency) in Omni's minor units. Pure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# ISO 4217 currencies whose minor unit is not 2 digits (the rest of the list has 2).
_EXPONENTS = {code: 0 for code in ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF")}
_EXPONENTS |= {code: 3 for code in ("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND")}


class BadAmount(ValueError):
    """Not an amount of that currency: the delivery fails (visibly, in the inbox)."""


def minor_units(amount: str | int | float | None, currency: str) -> int:
    """'199.00' EUR -> 19900; None or '' -> 0. More decimals than the currency has is refused, never rounded."""
    if amount in (None, ""):
        return 0
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise BadAmount(f"{amount!r} is not an amount") from None
    scaled = value.scaleb(_EXPONENTS.get(currency, 2))
    if not value.is_finite() or scaled != scaled.to_integral_value() or scaled < 0:
        raise BadAmount(f"{amount!r} is not an amount of {currency}")
    return int(scaled)
