"""Orders: carts, checkout, orders with their sourcing, fulfilments and timeline, returns."""

import json

from omni_infra.config import CDK_JSON
from omni_infra.domains.base import DomainData, DomainServices, DomainSpec, TableSpec, api, on_event, outbox

# How checkout prices an order (currencies, shipping rates, tax rates, tax-inclusive price books, payment
# deadline, splits, location priorities): cdk.json context `checkout`, decision 39.
CHECKOUT = json.loads(CDK_JSON.read_text())["context"].get("checkout", {})

SPEC = DomainSpec(
    name="orders",
    table=TableSpec(
        indexes={
            "gsi1": "a customer's orders, newest last (gsi1sk: placed_at#order_id)",
            "gsi2": "the pick list: fulfilments by location and status (gsi2pk: PICK#<location>#<status>)",
            "gsi3": "a profile's orders from every channel (OrdersAttributed)",
        }
    ),
    functions=(
        # Checkout composes inventory's hold operations into its own transaction, and so do fulfilment steps
        # and cancellations (decision 32).
        api("orders.handlers.api.handler", writes_to=("inventory",), environment={"CHECKOUT": json.dumps(CHECKOUT, separators=(",", ":"))}),
        outbox("orders.handlers.outbox.handler"),
        on_event("PriceSync", "orders.handlers.price_sync.handler", source="omni.catalog", detail_types=["PriceChanged"]),
        on_event(
            "PaymentsSync",
            "orders.handlers.payments_sync.handler",
            source="omni.payments",
            detail_types=["OrderPaid", "PaymentFailed", "RefundIssued"],
            writes_to=("inventory",),  # a failed payment's cancellation releases the holds
        ),
        on_event(
            "ChannelOrders",
            "orders.handlers.channel_orders.handler",
            source="omni.channels",
            detail_types=["ChannelOrderReceived", "ChannelOrderCancelled"],
            knows_channels=True,  # the channel's kind comes from the registry, not the event
        ),
        on_event("Attribution", "orders.handlers.attribution.handler", source="omni.profiles", detail_types=["OrdersAttributed"]),
        on_event("Privacy", "orders.handlers.privacy.handler", source="omni.profiles", detail_types=["ProfileErased"]),
    ),
)


class OrdersData(DomainData):
    spec = SPEC


class OrdersServices(DomainServices):
    spec = SPEC
