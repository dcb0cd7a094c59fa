"""Inventory HTTP routes: thin, the rules are in inventory.logic."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from kernel.api import create_app, lambda_handler
from kernel.auth import CHANNEL, OPERATOR, current_caller
from kernel.errors import errors
from kernel.lazy import on_first_use
from kernel.settings import require_known_channel, settings
from kernel.types import ChannelId, Identifier, QueryFlag, SkuCode

# Imported on the first request of a route that uses them (kernel.lazy, decision 70), not by the init.
adjustments, holds, levels, locations, planning = on_first_use(globals(), "inventory.logic", "adjustments", "holds", "levels", "locations", "planning")
Availability = on_first_use(globals(), "inventory.models.availability", "Availability")
HoldLineSelector, Holds, ReserveIn = on_first_use(globals(), "inventory.models.holds", "HoldLineSelector", "Holds", "ReserveIn")
Location, LocationIn = on_first_use(globals(), "inventory.models.location", "Location", "LocationIn")
Adjustment, AdjustmentIn, BufferIn, IncomingIn, SafetyStockIn, SaleIn, ShardingIn, StockLevel, TransferIn = on_first_use(
    globals(), "inventory.models.stock", "Adjustment", "AdjustmentIn", "BufferIn", "IncomingIn", "SafetyStockIn", "SaleIn", "ShardingIn", "StockLevel", "TransferIn"
)

app = create_app()
TAGS = ["inventory"]
LocationId = Annotated[Identifier, Path()]
Sku = Annotated[SkuCode, Path()]


# Locations and channels (operators)


@app.put("/v1/locations/<location_id>", tags=TAGS, summary="Create or update a location", **OPERATOR)
def put_location(location_id: LocationId, body: LocationIn) -> Location:
    return locations.save(location_id, body)


@app.get("/v1/locations", tags=TAGS, summary="Every location", **OPERATOR)
def list_locations() -> list[Location]:
    return locations.all_locations()


@app.get("/v1/locations/<location_id>", tags=TAGS, summary="A location", responses=errors(404), **OPERATOR)
def get_location(location_id: LocationId) -> Location:
    return locations.get(location_id)


@app.put("/v1/channels/<channel_id>/locations/<location_id>", tags=TAGS, summary="Let a location serve a channel", responses=errors(404), **OPERATOR)
def assign_location(channel_id: Annotated[ChannelId, Path()], location_id: LocationId) -> Location:
    return locations.serve(location_id, channel_id, True, settings().channel_ids)


@app.delete("/v1/channels/<channel_id>/locations/<location_id>", tags=TAGS, summary="Stop a location serving a channel", responses=errors(404), **OPERATOR)
def unassign_location(channel_id: Annotated[ChannelId, Path()], location_id: LocationId) -> Location:
    return locations.serve(location_id, channel_id, False, settings().channel_ids)


# Stock policy (operators)


@app.put("/v1/stock/<sku>/locations/<location_id>/safety-stock", tags=TAGS, summary="Set safety stock", responses=errors(404, 409), **OPERATOR)
def put_safety_stock(sku: Sku, location_id: LocationId, body: SafetyStockIn) -> list[StockLevel]:
    planning.set_safety_stock(sku, location_id, body.quantity)
    return levels.stock_levels(sku, location_id)


@app.put("/v1/stock/<sku>/locations/<location_id>/incoming", tags=TAGS, summary="Set the next expected receipt", responses=errors(404, 409), **OPERATOR)
def put_incoming(sku: Sku, location_id: LocationId, body: IncomingIn) -> list[StockLevel]:
    planning.set_incoming(sku, location_id, body.quantity, body.expected_date.isoformat() if body.expected_date else None)
    return levels.stock_levels(sku, location_id)


@app.put("/v1/skus/<sku>/buffers/<channel_id>", tags=TAGS, summary="Set a channel buffer for a SKU", responses=errors(404, 409), **OPERATOR)
def put_buffer(sku: Sku, channel_id: Annotated[ChannelId, Path()], body: BufferIn) -> BufferIn:
    require_known_channel(channel_id, settings().channel_ids, "channel_id")
    planning.set_buffer(sku, channel_id, body.quantity)
    return body


@app.put("/v1/skus/<sku>/sharding", tags=TAGS, summary="Split a hot SKU's stock rows into shards", responses=errors(404, described={409: "Shards can only grow"}), **OPERATOR)
def put_sharding(sku: Sku, body: ShardingIn) -> list[StockLevel]:
    planning.set_shards(sku, body.shards)
    return levels.stock_levels(sku)


@app.get("/v1/stock/<sku>", tags=TAGS, summary="Stock of a SKU per location", responses=errors(404), **OPERATOR)
def get_stock(sku: Sku, location_id: Annotated[Identifier | None, Query()] = None) -> list[StockLevel]:
    return levels.stock_levels(sku, location_id)


# Stock changes (operators; sales from store and marketplace channels)


@app.post("/v1/adjustments", tags=TAGS, summary="Receipt, damage, restore, write-off or cycle count", status_code=201, responses=errors(404, 409), **OPERATOR)
def post_adjustment(body: AdjustmentIn) -> Adjustment:
    return adjustments.adjust(body)


@app.post("/v1/transfers", tags=TAGS, summary="Move stock between two locations", status_code=201, responses=errors(404, 409), **OPERATOR)
def post_transfer(body: TransferIn) -> Adjustment:
    return adjustments.transfer(body)


@app.post("/v1/sales", tags=TAGS, summary="Record a sale that already happened (POS, marketplace)", status_code=201, responses=errors(404, 409), **CHANNEL)
def post_sale(body: SaleIn) -> list[Adjustment]:
    return adjustments.record_sale(current_caller(app).channel, body)


# Availability and holds (channels)


@app.get("/v1/availability", tags=TAGS, summary="Available to promise for the calling channel", responses=errors(404), **CHANNEL)
def get_availability(
    sku: Annotated[list[SkuCode], Query(min_length=1, max_length=100)],
    location_id: Annotated[Identifier | None, Query()] = None,
    per_location: Annotated[QueryFlag, Query()] = False,
) -> Availability:
    return levels.availability(current_caller(app).channel.id, sku, location_id, per_location)


@app.post(
    "/v1/holds",
    tags=TAGS,
    summary="Place soft cart holds: all lines or none (hard holds come only from checkout)",
    status_code=201,
    responses=errors(404, 409, described={403: "No, or an unknown, channel API key; or a hard hold, or a channel that holds no stock (only storefront and store channels place soft holds)"}),
    **CHANNEL,
)
def post_holds(body: ReserveIn) -> Holds:
    return holds.channel_reserve(current_caller(app).channel, body)


@app.post(
    "/v1/holds/<reference>/<action>",
    tags=TAGS,
    summary="Release a cart's holds (confirm and commit are orders', at checkout and fulfilment)",
    responses=errors(
        404, 409, described={403: "No, or an unknown, channel API key; or confirm or commit (holds are confirmed by checkout and committed by fulfilment), or a channel that holds no stock"}
    ),
    **CHANNEL,
)
def move_holds(reference: Annotated[Identifier, Path()], action: Annotated[Literal["confirm", "commit", "release"], Path()], body: HoldLineSelector) -> Holds:
    return holds.channel_transition(current_caller(app).channel, reference, action, body.lines)


handler = lambda_handler(app)
