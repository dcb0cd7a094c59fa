"""Profiles: identifiers, the identity graph, unified profiles, consent, and loyalty (a room of its own:
logic/loyalty.py, dal/orders.py), in one table. Identifier keys are HMACs with the domain's secret."""

from omni_infra.domains.base import DomainData, DomainSecret, DomainServices, DomainSpec, TableSpec, api, on_event, outbox

# One consumer module, one function per producing domain (an EventBridge rule matches one source).
CONSUMER = "profiles.handlers.consumer.handler"
IDENTIFIER_KEY = "identifier-key"

SPEC = DomainSpec(
    name="profiles",
    table=TableSpec(),
    secrets=(DomainSecret(IDENTIFIER_KEY, "HMAC key of the identifier index (generated; never rotate in place)"),),
    functions=(
        api("profiles.handlers.api.handler", reads_secrets=(IDENTIFIER_KEY,)),
        outbox("profiles.handlers.outbox.handler"),
        on_event("OrderEvents", CONSUMER, source="omni.orders", detail_types=["OrderPlaced", "OrderStatusChanged", "ReturnReceived"], reads_secrets=(IDENTIFIER_KEY,)),
        on_event("PaymentEvents", CONSUMER, source="omni.payments", detail_types=["OrderPaid", "RefundIssued"], reads_secrets=(IDENTIFIER_KEY,)),
        on_event("ChannelEvents", CONSUMER, source="omni.channels", detail_types=["ChannelOrderReceived"], reads_secrets=(IDENTIFIER_KEY,)),
    ),
)


class ProfilesData(DomainData):
    spec = SPEC


class ProfilesServices(DomainServices):
    spec = SPEC
