"""Checkout: what the shopper confirms, and the configuration that prices it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field, StrictInt, model_validator
from pydantic.alias_generators import to_camel

from kernel.model import Model
from kernel.types import Identifier, Latitude, Longitude, MinorUnits, Name, ShortText, SkuCode
from orders.models.cart import MAX_LINES, MAX_QUANTITY
from orders.models.order import DeliveryMode, PaymentMode


class ConfirmedLine(Model):
    model_config = ConfigDict(extra="forbid")

    sku: SkuCode
    quantity: StrictInt = Field(ge=1, le=MAX_QUANTITY)
    unit_price: MinorUnits = Field(description="the price the shopper was shown: compared, never charged (a change is 409)")


class AddressIn(Model):
    model_config = ConfigDict(extra="forbid")

    name: Name
    line1: Name
    line2: ShortText | None = None
    city: Name
    postcode: str = Field(min_length=1, max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$", max_length=2, description="ISO 3166-1 alpha-2")
    latitude: Latitude | None = Field(None, description="with longitude: where sourcing measures distances from")
    longitude: Longitude | None = None


class ContactIn(Model):
    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, max_length=20, pattern=r"^\+?[0-9 ]{4,19}$")


class CheckoutPayment(StrEnum):
    online = PaymentMode.online.value
    in_store = PaymentMode.in_store.value  # buy online, pay in store: pickup only


class CheckoutIn(Model):
    model_config = ConfigDict(extra="forbid")

    lines: list[ConfirmedLine] = Field(min_length=1, max_length=MAX_LINES, description="the cart as the shopper confirmed it")
    delivery: DeliveryMode
    pickup_location_id: Identifier | None = Field(None, description="the store, for pickup")
    address: AddressIn | None = Field(None, description="where to ship, for ship")
    payment: CheckoutPayment = CheckoutPayment.online
    contact: ContactIn = Field(default_factory=ContactIn)

    @model_validator(mode="after")
    def _delivery_needs(self):
        if self.delivery is DeliveryMode.pickup and not self.pickup_location_id:
            raise ValueError("pickup needs pickup_location_id")
        if self.delivery is DeliveryMode.ship and self.address is None:
            raise ValueError("ship needs an address")
        if self.payment is CheckoutPayment.in_store and self.delivery is not DeliveryMode.pickup:
            raise ValueError("pay in store is for pickup orders")
        if len({line.sku for line in self.lines}) != len(self.lines):
            raise ValueError("each sku may appear once")
        return self


class CheckoutConfig(Model):
    """How Omni prices a checkout: cdk.json context `checkout` (camelCase names), handed to the orders API as
    CHECKOUT (decision 39)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    currencies: dict[str, str] = Field(default_factory=dict, description="channel -> the currency of its price book")
    default_currency: str = "EUR"
    shipping: dict[str, int] = Field(default_factory=lambda: {"ship": 590, "ship_from_store": 490, "pickup": 0, "extra_shipment": 300})
    tax_rates: dict[str, int] = Field(default_factory=dict, description="country -> rate in basis points (2000 = 20 %)")
    default_tax_rate: int = 2000
    tax_inclusive: dict[str, bool] = Field(default_factory=dict, description='price book "<channel>:<currency>" -> prices include tax')
    pay_within_minutes: int = 30
    max_shipments: int = 2
    priority: dict[str, int] = Field(default_factory=dict, description="location -> rank among equals (higher first)")
    pickup_attempts: int = Field(5, ge=1, description="wrong pickup codes in a row that lock a pickup")
    pickup_lock_minutes: int = Field(15, ge=1, description="how long a locked pickup refuses every code")

    def currency(self, channel: str) -> str:
        return self.currencies.get(channel, self.default_currency)

    def inclusive(self, channel: str, currency: str) -> bool:
        return self.tax_inclusive.get(f"{channel}:{currency}", True)

    def tax_rate(self, country: str) -> int:
        return self.tax_rates.get(country, self.default_tax_rate)
