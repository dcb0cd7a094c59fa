"""Channels: the channel registry's mappings and subscriptions, signed webhooks in every inbound format
(Omni's own, Shopify's, the marketplace format) into an inbox that deduplicates them, their normalization
into Omni's events, and outbound availability and price updates to the channels that subscribe."""

from omni_infra.domains.base import ChannelSecrets, DomainData, DomainServices, DomainSpec, FunctionSpec, Stream, TableSpec, api, on_event, on_queue, outbox

SPEC = DomainSpec(
    name="channels",
    table=TableSpec(indexes={"gsi1": "inbox entries by channel and state, newest first"}),
    channel_secrets=ChannelSecrets(name="webhook-secret", variable="WEBHOOK_SECRETS"),
    functions=(
        api("channels.handlers.api.handler", reads_channel_secrets=True, redrives=("OutboundSender",)),
        outbox("channels.handlers.outbox.handler"),
        # The table's second stream reader (DynamoDB allows two per shard): received entries → events, parked or
        # failed. A batch it gives up on is not parked for the redrive: its entries stay `received`, to replay.
        FunctionSpec("Normalizer", "channels.handlers.normalizer.handler", Stream(dead_letter_queue=True)),
        on_event(
            "OutboundEvents",
            "channels.handlers.outbound_events.handler",
            source=("omni.inventory", "omni.catalog"),
            detail_types=["AvailabilityChanged", "PriceChanged"],
            sends_to=("OutboundSender",),
        ),
        # Sends signed updates: 10 per batch, each within a 5 s timeout; the queue's DLQ after 5 tries.
        on_queue("OutboundSender", "channels.handlers.outbound_sender.handler", batch_size=10, timeout_seconds=60, reads_channel_secrets=True, sends_to=("OutboundSender",)),
    ),
)


class ChannelsData(DomainData):
    spec = SPEC


class ChannelsServices(DomainServices):
    spec = SPEC
