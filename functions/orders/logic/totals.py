"""An order's money, computed by Omni only: integer minor units, rounded half up once per line.

Tax-inclusive price books (the usual case in Europe): each line's tax is the part of its total the rate
accounts for, total x rate / (1 + rate), and the grand total is subtotal + shipping. Tax-exclusive ones
(the usual case in the US): tax is total x rate on top, and the grand total adds it. Shipping is taxed
like a line. Rates are basis points (2000 = 20 %).
"""

from __future__ import annotations

from orders.models.order import Totals


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def tax_of(amount: int, rate_bp: int, inclusive: bool) -> int:
    return _half_up(amount * rate_bp, 10_000 + rate_bp) if inclusive else _half_up(amount * rate_bp, 10_000)


def shipping_of(delivery_kinds: list[str], rates: dict[str, int]) -> int:
    """The first shipment at its delivery's rate (ship, ship_from_store, pickup), each further one at `extra_shipment`."""
    if not delivery_kinds:
        return 0
    return rates.get(delivery_kinds[0], 0) + rates.get("extra_shipment", 0) * (len(delivery_kinds) - 1)


def totals(line_totals: list[int], shipping: int, rate_bp: int, inclusive: bool, currency: str) -> tuple[Totals, list[int]]:
    """The order's totals and each line's tax."""
    line_taxes = [tax_of(amount, rate_bp, inclusive) for amount in line_totals]
    subtotal = sum(line_totals)
    tax = sum(line_taxes) + tax_of(shipping, rate_bp, inclusive)
    grand_total = subtotal + shipping + (0 if inclusive else tax)
    return Totals(currency=currency, subtotal=subtotal, shipping=shipping, tax=tax, grand_total=grand_total, tax_inclusive=inclusive), line_taxes
