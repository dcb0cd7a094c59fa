"""Payments: one payment per order with an append-only transaction log, Stripe for cards and wallets,
in-store tenders, Omni's own gift card and store credit ledger, the provider-event inbox."""

import json

from omni_infra.domains.base import DomainData, DomainSecret, DomainServices, DomainSpec, FunctionSpec, Stream, TableSpec, api, every, on_event, outbox

STRIPE_API_KEY = "stripe-api-key"
STRIPE_WEBHOOK_SECRET = "stripe-webhook-secret"
CARD_CODE_KEY = "card-code-key"

# Configurable per deployment: channels whose card payments are captured at once by Stripe (the others
# are authorized at checkout and captured when the order ships or is collected), and the tender order
# refunds give money back in (card first: the shopper's bank money back before stored value).
POLICY = {
    "AUTO_CAPTURE_CHANNELS": "",
    "REFUND_ORDER": "card,wallet,card_present,cash,gift_card,store_credit",
}

# The webhook processor sees only the inbox's inserts: everything else on the stream is the outbox's.
PROVIDER_EVENT_INSERTS = json.dumps({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["provider_event"]}}}})

SPEC = DomainSpec(
    name="payments",
    table=TableSpec(
        indexes={
            "gsi1": "orders awaiting online payment by deadline (sparse: removed once paid or expired)",
            "gsi2": "everything written on a day (DAY#<date>), for the daily reconciliation",
        }
    ),
    secrets=(
        DomainSecret(STRIPE_API_KEY, "Stripe secret API key (sk_…): put the key from Stripe's dashboard here"),
        DomainSecret(STRIPE_WEBHOOK_SECRET, "Stripe webhook endpoint signing secret (whsec_…): put the endpoint's secret here"),
        DomainSecret(CARD_CODE_KEY, "HMAC key gift card and store credit codes are hashed with (generated; never rotate in place)"),
    ),
    functions=(
        api("payments.handlers.api.handler", reads_secrets=(STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET, CARD_CODE_KEY), timeout_seconds=15, environment=POLICY),
        outbox("payments.handlers.outbox.handler"),
        FunctionSpec(
            "WebhookProcessor",
            "payments.handlers.webhook_processor.handler",
            Stream(only=PROVIDER_EVENT_INSERTS, dead_letter_queue=True),
            reads_secrets=(STRIPE_API_KEY,),  # asks Stripe how an intent was paid (card, wallet): webhooks never expand the charge
            environment=POLICY,
        ),
        on_event(
            "OrdersEvents",
            "payments.handlers.orders_events.handler",
            source="omni.orders",
            detail_types=["OrderPlaced", "OrderStatusChanged", "RefundRequested"],
            reads_secrets=(STRIPE_API_KEY,),  # captures, voids and refunds call Stripe
            environment=POLICY,
        ),
        every("DeadlineSweeper", "payments.handlers.deadline_sweeper.handler", minutes=1),
    ),
)


class PaymentsData(DomainData):
    spec = SPEC


class PaymentsServices(DomainServices):
    spec = SPEC
