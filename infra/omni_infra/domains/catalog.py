"""Catalog: products, SKUs and channel prices."""

from omni_infra.domains.base import DomainData, DomainServices, DomainSpec, TableSpec, api, outbox

SPEC = DomainSpec(
    name="catalog",
    table=TableSpec(),
    functions=(
        api("catalog.handlers.api.handler"),
        outbox("catalog.handlers.outbox.handler"),
    ),
)


class CatalogData(DomainData):
    spec = SPEC


class CatalogServices(DomainServices):
    spec = SPEC
