"""Every domain of the app: (stateful construct, stateless construct), in deployment order."""

from omni_infra.domains.catalog import CatalogData, CatalogServices
from omni_infra.domains.channels import ChannelsData, ChannelsServices
from omni_infra.domains.inventory import InventoryData, InventoryServices
from omni_infra.domains.ops import OpsData, OpsServices
from omni_infra.domains.orders import OrdersData, OrdersServices
from omni_infra.domains.payments import PaymentsData, PaymentsServices
from omni_infra.domains.profiles import ProfilesData, ProfilesServices

DOMAINS = (
    (CatalogData, CatalogServices),
    (InventoryData, InventoryServices),
    (OrdersData, OrdersServices),
    (ProfilesData, ProfilesServices),
    (ChannelsData, ChannelsServices),
    (PaymentsData, PaymentsServices),
    (OpsData, OpsServices),
)

__all__ = ["DOMAINS", "function_specs", "table_domains"]


def function_specs():
    """Every function of every domain, with its domain: (DomainSpec, FunctionSpec)."""
    return [(services.spec, function) for _, services in DOMAINS for function in services.spec.functions]


def table_domains() -> tuple[str, ...]:
    """The domains that keep data (own a table), in deployment order."""
    return tuple(services.spec.name for _, services in DOMAINS if services.spec.table is not None)
