"""Orders: carts, checkout, orders with their sourcing, fulfilments and timeline, returns."""

from omni_infra.domains.base import DomainData, DomainServices, DomainSpec, TableSpec, api, outbox

SPEC = DomainSpec(
    name="orders",
    table=TableSpec(indexes={"gsi1": "a customer's orders, newest last (gsi1sk: placed_at#order_id)"}),
    functions=(
        api("orders.handlers.api.handler"),
        outbox("orders.handlers.outbox.handler"),
    ),
)


class OrdersData(DomainData):
    spec = SPEC


class OrdersServices(DomainServices):
    spec = SPEC
