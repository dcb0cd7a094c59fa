"""Carts: one per shopper, shared by every channel, plus anonymous carts a storefront keeps by id."""

from __future__ import annotations

from pydantic import ConfigDict, Field, StrictInt

from kernel.model import Model
from kernel.types import Identifier

MAX_LINES = 25  # a checkout of 25 lines fits one transaction with its holds (decision 32)
MAX_QUANTITY = 99  # units of one SKU in a cart


class CartLineIn(Model):
    model_config = ConfigDict(extra="forbid")

    quantity: StrictInt = Field(ge=1, le=MAX_QUANTITY, description=f"units of this SKU, 1 to {MAX_QUANTITY}")


class MergeIn(Model):
    model_config = ConfigDict(extra="forbid")

    cart_id: Identifier = Field(description="the anonymous cart the storefront kept before sign-in")


class CartLine(Model):
    sku: str
    quantity: int
    unit_price: int | None = Field(None, description="the calling channel's price, minor units (None: not sold there)")
    line_total: int | None = None
    available: int | None = Field(None, description="units available for the chosen delivery mode (pickup: at that store)")


class Cart(Model):
    cart_id: str = Field(description="the shopper's cart (\"me\"), or an anonymous cart's unguessable id")
    channel: str = Field(description="the channel whose price book prices it here")
    currency: str
    lines: list[CartLine]
    subtotal: int
    version: int = Field(description="grows with every change; checkout names the version it confirms")
    merged_into: str | None = Field(None, description="an anonymous cart merged at sign-in: the shopper it went to")


class CartCreated(Model):
    cart_id: str


class StoredLine(Model):
    sku: str
    quantity: int
    added_at: str


class StoredCart(Model):
    """A cart as the orders table keeps it: SKUs and quantities only; prices come from the calling channel."""

    cart_id: str
    customer_id: str | None = None
    channel: str | None = Field(None, description="an anonymous cart's channel: only it may use the cart")
    lines: list[StoredLine] = Field(default_factory=list)
    version: int = 0
    merged: list[str] = Field(default_factory=list, description="anonymous carts merged into this one (idempotency)")
    merged_into: str | None = None
    updated_at: str = ""
