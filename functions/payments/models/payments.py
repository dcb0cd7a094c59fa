"""What the payments routes take and answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from kernel.model import Model
from kernel.types import Amount, Currency, Identifier, MinorUnits

IntentId = Annotated[str, Field(pattern=r"^pi_[A-Za-z0-9_]{1,60}$", max_length=63, description="a Stripe PaymentIntent id")]
CardCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{16,32}$", min_length=16, max_length=32, description="the code printed on the gift card or store credit slip")]


class Strict(Model):
    model_config = ConfigDict(extra="forbid")


class CardPaymentIn(Strict):
    """Pay the order's balance due by card or wallet: Omni creates a Stripe PaymentIntent; the shopper's
    browser or app confirms it with Stripe directly (card data never reaches Omni)."""

    currency: Currency


class CardPaymentOut(Model):
    order_id: str
    payment_intent_id: str
    client_secret: str = Field(description="for Stripe.js / the mobile SDK to confirm the payment; not stored by Omni")
    amount: int
    currency: str
    capture_method: Literal["manual", "automatic"]


class ConfirmIn(Strict):
    payment_intent_id: IntentId


class GiftCardPaymentIn(Strict):
    code: CardCode
    amount: Amount
    currency: Currency
    reference: Identifier = Field(description="the caller's id of this redemption: a retry with it redeems once")


class InStoreTenderIn(Strict):
    """A tender taken at the POS: cash (with what the shopper handed over), card on the store's terminal,
    a gift card or store credit."""

    tender: Literal["cash", "card_present", "gift_card", "store_credit"]
    amount: Amount
    currency: Currency
    reference: Identifier = Field(description="the till's (or terminal's) reference of this tender: a retry with it records once")
    tendered: MinorUnits | None = Field(None, description="cash only: what the shopper handed over (at least the amount)")
    code: CardCode | None = Field(None, description="gift_card and store_credit only")


class LogEntry(Model):
    n: int
    kind: str
    tender: str
    method: str | None = Field(None, description="how the shopper paid: card, apple_pay, google_pay, link… (Stripe's payment method details)")
    provider: str
    provider_reference: str
    amount: int | None
    at: str


class PaymentOut(Model):
    payment_id: str
    order_id: str
    state: str
    currency: str
    grand_total: int
    authorized: int
    captured: int
    refunded: int
    disputed: int = Field(description="held by disputes (chargebacks) still open")
    charged_back: int = Field(description="lost to disputes: gone back to the shopper outside any refund")
    balance_due: int
    paid: bool
    tenders: list[str]
    methods: list[str] = Field(description="how the shopper paid each tender that covers money, in order: card, apple_pay, link, cash, gift_card…")
    log: list[LogEntry]
    change: int | None = Field(None, description="cash only: the change given")


class RefundIn(Strict):
    refund_id: Identifier
    amount: Amount
    currency: Currency
    reason: Literal["return", "cancellation", "goodwill"]


class RefundStepOut(Model):
    tender: str
    amount: int
    done: bool


class RefundOut(Model):
    refund_id: str
    order_id: str
    amount: int
    currency: str
    issued: bool
    steps: list[RefundStepOut]


class GiftCardIssueIn(Strict):
    kind: Literal["gift_card", "store_credit"]
    amount: Amount
    currency: Currency
    reference: Identifier = Field(description="the issuer's id (a sale, a return): a card is issued once per reference")


class GiftCardIssued(Model):
    card_id: str
    code: str = Field(description="shown once: Omni keeps only a keyed hash of it")
    kind: str
    balance: int
    currency: str


class GiftCardBalanceIn(Strict):
    code: CardCode


class GiftCardBalance(Model):
    card_id: str
    kind: str
    balance: int
    currency: str


class Mismatch(Model):
    kind: str
    order_id: str | None
    provider_reference: str | None = None
    detail: str


class Reconciliation(Model):
    date: str
    provider_events: int
    ledger_entries: int
    orders_checked: int
    mismatches: list[Mismatch]


class WebhookReceived(Model):
    id: str = Field(description="the provider's event id")
    status: Literal["accepted", "duplicate"] = Field(description="duplicate: this event id was received before; nothing was done now")


class StripeEventData(Model):
    model_config = ConfigDict(extra="forbid")

    # Any JSON values, as Stripe's objects hold them; the whole body is bounded by the route (256 KB).
    object: dict[str, Any] = Field(max_length=200, json_schema_extra={"additionalProperties": {}}, description="the Stripe object the event is about (a PaymentIntent, a Charge, a Dispute)")
    previous_attributes: dict[str, Any] = Field(default_factory=dict, max_length=200, json_schema_extra={"additionalProperties": {}})


class StripeEventRequest(Model):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=255)
    idempotency_key: str | None = Field(None, max_length=255)


class StripeEventIn(Model):
    """A Stripe event (a snapshot event) as Stripe posts it. Omni reads `id`, `type` and `data.object`."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(max_length=255)
    object: Literal["event"] = "event"
    api_version: str | None = Field(None, max_length=64)
    created: int = Field(ge=0, le=10**12)
    type: str = Field(max_length=100, description="e.g. payment_intent.amount_capturable_updated, payment_intent.succeeded, charge.refunded")
    livemode: bool = False
    pending_webhooks: int = Field(0, ge=0, le=10**6)
    request: StripeEventRequest | None = None
    data: StripeEventData
