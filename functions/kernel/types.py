"""Constrained types shared by every domain's models, so a SKU or a quantity means the same everywhere."""

from typing import Annotated

from pydantic import Field, StrictInt

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", description="letters, digits, . _ : -")]
SkuCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="stock keeping unit code")]
ChannelId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
# Whole units only: StrictInt refuses 1.5 and "2"; zero and negatives are refused where they make no sense.
Quantity = Annotated[StrictInt, Field(gt=0, le=1_000_000)]
Count = Annotated[StrictInt, Field(ge=0, le=100_000_000)]
MinorUnits = Annotated[StrictInt, Field(ge=0, le=10**12, description="amount in minor units (cents)")]
