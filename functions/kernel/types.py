"""Constrained types shared by every domain's request models, so a SKU, a quantity or a date means the
same everywhere, and the schema says exactly what the code accepts.

Strict and bounded, in one place:
- no silent coercion: booleans are JSON booleans (not 0/1), numbers are not booleans, integers have no
  fraction part (9, not 9.0), dates are ISO `YYYY-MM-DD` strings (not epoch numbers);
- every string, list and map has a maximum (tests/contract checks every request schema), so no
  request can grow an item past DynamoDB's 400 KB;
- numbers stay within what DynamoDB stores (38 digits, magnitudes 1e-130 to 1e126), floats finite.
"""

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StrictFloat, StrictInt

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", max_length=64, description="letters, digits, . _ : -")]
SkuCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", max_length=64, description="stock keeping unit code")]
ChannelId = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,31}$",
        max_length=32,
        description="one of the deployment's channels (cdk.json context); an unknown channel is 404",
    ),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", max_length=3, description="ISO 4217 code")]
# Whole units only: StrictInt refuses 1.5, 2.0, "2" and true; zero and negatives are refused where they make no sense.
Quantity = Annotated[StrictInt, Field(gt=0, le=1_000_000)]
Count = Annotated[StrictInt, Field(ge=0, le=100_000_000)]
MinorUnits = Annotated[StrictInt, Field(ge=0, le=10**12, description="amount in minor units (cents)")]
Amount = Annotated[StrictInt, Field(gt=0, le=10**12, description="amount in minor units (cents), above zero")]
Flag = StrictBool


def _query_boolean(value):
    """A query string carries text: `true` or `false` as OpenAPI serializes a boolean, not yes/on/1."""
    if isinstance(value, bool) or value in ("true", "false"):
        return value if isinstance(value, bool) else value == "true"
    raise ValueError("a boolean query parameter is true or false")


QueryFlag = Annotated[bool, BeforeValidator(_query_boolean)]


def _text(max_length: int, min_length: int = 0, **extra):
    return Annotated[str, Field(min_length=min_length, max_length=max_length, **extra)]


Name = _text(200, 1)
ShortText = _text(200)
LongText = _text(5000)
# A map key (product attributes...): DynamoDB refuses an empty attribute name in a map.
Key = _text(64, 1, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")


def _storable(value: float) -> float:
    """DynamoDB stores magnitudes from 1e-130 (a smaller one would be an error, not a zero)."""
    if value != 0 and abs(value) < 1e-128:
        raise ValueError("too close to zero to store: use 0")
    return value


def _storable_float(low: float, high: float, description: str):
    return Annotated[StrictFloat, Field(ge=low, le=high, allow_inf_nan=False, description=description), AfterValidator(_storable)]


Latitude = _storable_float(-90, 90, "degrees, WGS 84")
Longitude = _storable_float(-180, 180, "degrees, WGS 84")


def _iso_date_text(value):
    if isinstance(value, date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return value
    raise ValueError("a date is an ISO 8601 string, YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
