"""Inventory: locations, stock per SKU and location, buffers, the holds ledger."""

from omni_infra.domains.base import DomainData, DomainServices, DomainSpec, TableSpec, api, every, on_event, outbox

SPEC = DomainSpec(
    name="inventory",
    table=TableSpec(
        indexes={
            "gsi1": "soft holds by expiry (sparse: only live soft holds carry gsi1pk/gsi1sk)",
            "gsi2": "stock rows by location",
        }
    ),
    functions=(
        api("inventory.handlers.api.handler"),
        outbox("inventory.handlers.outbox.handler"),
        on_event(
            "CatalogSync",
            "inventory.handlers.catalog_sync.handler",
            source="omni.catalog",
            detail_types=["ProductChanged"],
        ),
        on_event(
            "Projection",
            "inventory.handlers.projection.handler",
            source="omni.inventory",
            detail_types=["StockChanged", "LocationChanged", "BufferChanged", "SkuRegistered"],
        ),
        on_event(
            "ChannelSync",
            "inventory.handlers.channel_sync.handler",
            source="omni.channels",
            detail_types=["ChannelSaleRecorded", "StockReceiptPosted"],
            knows_channels=True,  # the channel's kind comes from the registry, not the event
        ),
        every("HoldSweeper", "inventory.handlers.hold_sweeper.handler", minutes=1),
    ),
)


class InventoryData(DomainData):
    spec = SPEC


class InventoryServices(DomainServices):
    spec = SPEC
