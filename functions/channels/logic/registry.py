"""The channel registry: the deployment's channels (kind, type, format: cdk.json) with the mappings and
outbound subscription operators change in the table, without a deploy."""

from __future__ import annotations

from channels.dal import registry
from channels.models.registry import ChannelView, LocationMapping, LocationMappingIn, Mappings, SkuMapping, SkuMappingIn, Subscription, SubscriptionIn
from kernel import table
from kernel.errors import Conflict, NotFound
from kernel.settings import Channel, settings


def known(channel_id: str) -> Channel:
    channel = settings().channel(channel_id)
    if channel is None:
        raise NotFound(f"unknown channel {channel_id}", field="channel_id", errors=[{"in": "path", "field": "channel_id", "type": "unknown_channel"}])
    return channel


def _view(channel: Channel) -> ChannelView:
    stored = registry.subscription(channel.id)
    subscription = table.as_model(Subscription, stored) if stored else None
    return ChannelView(id=channel.id, kind=channel.kind, type=channel.type, format=channel.format, subscription=subscription)


def channels() -> list[ChannelView]:
    unique = {channel.id: channel for channel in settings().channels.values()}
    return [_view(channel) for _, channel in sorted(unique.items())]


def channel(channel_id: str) -> ChannelView:
    return _view(known(channel_id))


def mappings(channel_id: str) -> Mappings:
    known(channel_id)
    skus, locations = registry.mapping_rows(channel_id)
    return Mappings(
        channel=channel_id,
        skus=[SkuMapping(channel_sku=row["channel_sku"], sku=row["sku"], outbound=bool(row.get("outbound"))) for row in skus],
        locations=[LocationMapping(channel_location=row["channel_location"], location_id=row["location_id"]) for row in locations],
    )


def map_sku(channel_id: str, channel_sku: str, body: SkuMappingIn) -> SkuMapping:
    known(channel_id)
    for _ in range(3):  # guarded by the mapping it replaces: a concurrent change makes it look again
        previous = registry.sku_mapping(channel_id, channel_sku)
        try:
            registry.put_sku(channel_id, channel_sku, body.sku, body.outbound, previous)
            return SkuMapping(channel_sku=channel_sku, sku=body.sku, outbound=body.outbound)
        except table.Rejected:
            continue
    raise Conflict(f"the mapping of {channel_sku} changed meanwhile; try again", field="channel_sku")


def unmap_sku(channel_id: str, channel_sku: str) -> SkuMapping:
    known(channel_id)
    previous = registry.sku_mapping(channel_id, channel_sku)
    if previous is None:
        raise NotFound(f"channel {channel_id} has no mapping for SKU {channel_sku}", field="channel_sku")
    try:
        registry.delete_sku(channel_id, previous)
    except table.Rejected:
        raise Conflict(f"the mapping of {channel_sku} changed meanwhile; try again", field="channel_sku") from None
    return SkuMapping(channel_sku=channel_sku, sku=previous["sku"], outbound=bool(previous.get("outbound")))


def map_location(channel_id: str, channel_location: str, body: LocationMappingIn) -> LocationMapping:
    known(channel_id)
    registry.put_location(channel_id, channel_location, body.location_id)
    return LocationMapping(channel_location=channel_location, location_id=body.location_id)


def unmap_location(channel_id: str, channel_location: str) -> LocationMapping:
    known(channel_id)
    previous = registry.location_mapping(channel_id, channel_location)
    if previous is None or not registry.delete_location(channel_id, channel_location):
        raise NotFound(f"channel {channel_id} has no mapping for location {channel_location}", field="channel_location")
    return LocationMapping(channel_location=channel_location, location_id=previous["location_id"])


def subscribe(channel_id: str, body: SubscriptionIn) -> ChannelView:
    channel = known(channel_id)
    registry.put_subscription(channel_id, {**body.model_dump(), "events": sorted(set(body.events))})
    return _view(channel)


def unsubscribe(channel_id: str) -> ChannelView:
    channel = known(channel_id)
    if not registry.delete_subscription(channel_id):
        raise NotFound(f"channel {channel_id} has no outbound subscription", field="channel_id")
    return _view(channel)
