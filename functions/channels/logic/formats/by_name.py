"""Every inbound format by its name in cdk.json (a channel's `format`), and the header carrying its delivery id."""

from __future__ import annotations

from types import ModuleType

from channels.logic import signatures
from channels.logic.formats import marketplace, omni, shopify

FORMATS: dict[str, ModuleType] = {"omni": omni, "shopify": shopify, "marketplace": marketplace}
ID_HEADERS = {"omni": signatures.ID_HEADER, "shopify": shopify.ID_HEADER, "marketplace": marketplace.ID_HEADER}
