"""Payments HTTP routes: thin, the rules are in payments.logic.

Shoppers pay their own orders (the order's customer_id, from OrderPlaced, is the token's subject);
store channels take tenders at the POS; operators issue cards, refund and reconcile; Stripe posts its
webhooks, verified by its SDK before the body is read.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from kernel.api import create_app, lambda_handler
from kernel.auth import CHANNEL, OPERATOR, SHOPPER, STRIPE_WEBHOOK, current_caller
from kernel.contract import unparsed_body, unparsed_request
from kernel.errors import errors
from kernel.lazy import on_first_use
from kernel.types import Identifier, IsoDate
from payments.models.payments import (
    CardPaymentIn,
    CardPaymentOut,
    ConfirmIn,
    GiftCardBalance,
    GiftCardBalanceIn,
    GiftCardIssued,
    GiftCardIssueIn,
    GiftCardPaymentIn,
    InStoreTenderIn,
    PaymentOut,
    Reconciliation,
    RefundIn,
    RefundOut,
    StripeEventIn,
    WebhookReceived,
)

# Imported on the first request of a route that uses them (kernel.lazy, decision 70), not by the init.
gift_cards, payments, reconciliation, settlement, tenders, webhooks = on_first_use(globals(), "payments.logic", "gift_cards", "payments", "reconciliation", "settlement", "tenders", "webhooks")

app = create_app()
TAGS = ["payments"]
OrderId = Annotated[Identifier, Path()]
GUESSING = "Too many unknown gift card codes from this caller in the window (too_many_code_attempts): locked out until it ends (Retry-After)"


@app.get("/v1/payments/reconciliation", tags=TAGS, summary="The day's mismatches between provider events, the ledger and orders", **OPERATOR)
def get_reconciliation(date: Annotated[IsoDate, Query(description="the day (UTC), YYYY-MM-DD")]) -> Reconciliation:
    return reconciliation.report(date.isoformat())


@app.get("/v1/payments/<order_id>", tags=TAGS, summary="The payment of one of the shopper's orders: state, balance due, log", responses=errors(404), **SHOPPER)
def get_payment(order_id: OrderId) -> PaymentOut:
    return payments.view(payments.shoppers(order_id, current_caller(app)))


@app.post(
    "/v1/payments/<order_id>/card",
    tags=TAGS,
    summary="Pay the balance due by card or wallet: a Stripe PaymentIntent for the shopper's device to confirm",
    status_code=201,
    responses=errors(404, 409, 502, 503, described={409: "The order is closed, past its deadline or paid on its channel"}),
    **SHOPPER,
)
def start_card_payment(order_id: OrderId, body: CardPaymentIn) -> CardPaymentOut:
    return tenders.start_card_payment(order_id, current_caller(app), body)


@app.post(
    "/v1/payments/<order_id>/confirm",
    tags=TAGS,
    summary="The shopper's device confirmed with Stripe: Omni asks Stripe and records it",
    responses=errors(404, 502, 503, described={402: "Stripe declined the card (decline_code): the order still awaits payment, start another"}),
    **SHOPPER,
)
def confirm_card_payment(order_id: OrderId, body: ConfirmIn) -> PaymentOut:
    return tenders.confirm_card_payment(order_id, current_caller(app), body)


@app.post(
    "/v1/payments/<order_id>/gift-card",
    tags=TAGS,
    summary="Pay part or all of the balance due with a gift card or store credit",
    responses=errors(404, 409, described={409: "The card's balance is short, or the amount is above the balance due (insufficient_balance, amount_above_balance_due)", 429: GUESSING}),
    **SHOPPER,
)
def pay_with_card_code(order_id: OrderId, body: GiftCardPaymentIn) -> PaymentOut:
    return tenders.pay_with_card_code(order_id, current_caller(app), body)


@app.post(
    "/v1/payments/<order_id>/in-store",
    tags=TAGS,
    summary="A tender taken at the POS: cash (change given), card on the terminal, gift card or store credit",
    responses=errors(404, 409, described={403: "Only store (POS) channels take in-store tenders", 429: GUESSING}),
    **CHANNEL,
)
def take_in_store(order_id: OrderId, body: InStoreTenderIn) -> PaymentOut:
    return tenders.take_in_store(order_id, current_caller(app), body)


@app.post(
    "/v1/payments/<order_id>/refunds",
    tags=TAGS,
    summary="Refund captured money back to the order's tenders, in the configured tender order",
    status_code=201,
    responses=errors(404, 409, 502, 503, described={503: "Stripe is unreachable or throttling: the refund is planned, not issued; retry with the same refund_id"}),
    **OPERATOR,
)
def refund(order_id: OrderId, body: RefundIn) -> RefundOut:
    payments.snapshot_of(order_id)
    return settlement.refund(order_id, body.refund_id, body.amount, body.currency, body.reason)


@app.post("/v1/gift-cards", tags=TAGS, summary="Issue a gift card or store credit (its code is shown once)", status_code=201, responses=errors(409), **OPERATOR)
def issue_card(body: GiftCardIssueIn) -> GiftCardIssued:
    return gift_cards.issue(body, "operators")


@app.post("/v1/gift-cards/balance", tags=TAGS, summary="A card's balance, by its code (in the body: never in a URL)", responses=errors(404, described={429: GUESSING}), **CHANNEL)
def card_balance(body: GiftCardBalanceIn) -> GiftCardBalance:
    return gift_cards.balance(body.code, f"channel:{current_caller(app).channel.id}")


@app.post(
    "/v1/webhooks/payments/<provider>",
    tags=TAGS,
    summary="Receive a payment provider's webhook (Stripe): verified, stored once, applied asynchronously",
    description=(
        "Stripe signs each delivery (Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>), "
        "verified by Stripe's SDK with a 300 s tolerance before the body is read. The event is stored once per event id "
        "and answered at once; a redelivery is answered 200 with status duplicate, so Stripe stops retrying."
    ),
    responses=errors(404),
    openapi_extensions=unparsed_request(
        StripeEventIn,
        {"Stripe-Signature": {"type": "string", "minLength": 1, "maxLength": 1000, "description": "t=<unix seconds>,v1=<hex signature>[,v1=…]"}},
        "a Stripe event",
    ),
    **STRIPE_WEBHOOK,
)
def receive_webhook(provider: Annotated[Identifier, Path()]) -> WebhookReceived:
    return webhooks.receive(provider, app.current_event.headers, unparsed_body(app.current_event))


handler = lambda_handler(app)
