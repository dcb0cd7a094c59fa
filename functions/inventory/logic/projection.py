"""The availability projection: per SKU, ATP per channel and per location, recomputed from the
source rows whenever something behind it changes.

It reads the truth (one query of the SKU's partition, one of the locations) rather than applying
event deltas, so a repeated or late event cannot skew it. `basis` is the sum of the seq of every row
the figure was computed from; it only grows, and a row is written only over a smaller basis, so a
slow consumer can never overwrite a newer figure with an older one.
"""

from __future__ import annotations

from collections import defaultdict

from inventory.dal import availability as availability_table
from inventory.dal import locations
from inventory.dal import stock as stock_table
from inventory.logic.atp import channel_available, location_available
from inventory.models.location import Location
from kernel import queues


def recompute(sku: str, every_location: list[Location] | None = None) -> bool:
    """True when a new figure was written; False when the SKU is unknown or the row is current."""
    items = availability_table.partition(sku)
    config = next((item for item in items if item["sk"] == "CONFIG"), None)
    if config is None:
        return False
    stock = [stock_table.shard_from(item) for item in items if item["sk"].startswith("STOCK#")]
    buffers = {item["channel"]: int(item["quantity"]) for item in items if item["sk"].startswith("BUFFER#")}
    previous = next((item for item in items if item["sk"] == "AVAILABILITY"), {})
    every_location = locations.all_locations() if every_location is None else every_location

    by_location = defaultdict(list)
    for shard in stock:
        by_location[shard.location_id].append(shard)
    open_locations = {location.location_id for location in every_location if location.open}
    figures = {location_id: location_available(shards) if location_id in open_locations else 0 for location_id, shards in by_location.items()}
    serving: dict[str, list[str]] = defaultdict(list)
    for location in every_location:
        if location.open:
            for channel in location.channels:
                serving[channel].append(location.location_id)
    channels = set(serving) | set(previous.get("channels", {})) | set(buffers)
    per_channel = {channel: channel_available(figures, serving.get(channel, []), buffers.get(channel, 0)) for channel in sorted(channels)}

    basis = sum(int(item.get("seq", 0)) for item in items if item["sk"] != "AVAILABILITY")
    basis += sum(location.seq for location in every_location)
    return availability_table.save(sku, per_channel, figures, {channel: sorted(ids) for channel, ids in serving.items()}, basis)


# SKUs per message of a location's recompute: about 100 reads and writes, a second or two of work, so a
# store of tens of thousands of SKUs is hundreds of short invocations instead of one that times out.
LOCATION_CHUNK = 100
LOCATION_QUEUE = "LocationRecompute"


def recompute_location(location_id: str) -> int:
    """A location opened, closed or changed channels: every SKU it stocks needs a new figure. The SKUs
    go to the LocationRecompute queue in chunks (see `recompute_skus`); the number of chunks sent."""
    skus = stock_table.skus_at(location_id)
    chunks = ({"location_id": location_id, "skus": skus[start : start + LOCATION_CHUNK]} for start in range(0, len(skus), LOCATION_CHUNK))
    return queues.send_all(LOCATION_QUEUE, chunks)


def recompute_skus(skus: list[str]) -> int:
    """One chunk: a new figure for each SKU (reading the locations once). Idempotent: `recompute` writes
    only over a smaller basis, so a chunk delivered twice, or after a newer change, writes nothing."""
    every_location = locations.all_locations()
    return sum(recompute(sku, every_location) for sku in skus)
