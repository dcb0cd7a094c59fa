"""Inventory: locations, stock per SKU and location, buffers, the holds ledger."""

from omni_infra.domains.base import DomainData, DomainServices, DomainSpec, TableSpec, api, every, on_event, on_queue, outbox

SPEC = DomainSpec(
    name="inventory",
    table=TableSpec(
        indexes={
            "gsi1": "soft holds by expiry (sparse: only live soft holds carry gsi1pk/gsi1sk)",
            "gsi2": "stock rows by location",
        },
        # What orders composes into checkout and fulfilment through inventory.logic.for_orders: SKU configs
        # and stock rows (SKU#…), hold rows (HOLD#…), location guards (LOCATION).
        composable_keys=("SKU#*", "HOLD#*", "LOCATION"),
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
            sends_to=("LocationRecompute",),  # a LocationChanged fans its SKUs out in chunks
        ),
        # A chunk is 100 SKUs (about 100 reads and writes); 5 chunks per invocation stay well inside 60 s.
        on_queue("LocationRecompute", "inventory.handlers.location_recompute.handler", batch_size=5, timeout_seconds=60),
        on_event(
            "ChannelSync",
            "inventory.handlers.channel_sync.handler",
            source="omni.channels",
            detail_types=["ChannelSaleRecorded", "StockReceiptPosted", "ChannelOrderReceived", "StockCountPosted"],
            knows_channels=True,  # the channel's kind comes from the registry, not the event
        ),
        on_event("Returns", "inventory.handlers.returns.handler", source="omni.orders", detail_types=["ReturnReceived"]),
        every("HoldSweeper", "inventory.handlers.hold_sweeper.handler", minutes=1),
    ),
)


class InventoryData(DomainData):
    spec = SPEC


class InventoryServices(DomainServices):
    spec = SPEC
