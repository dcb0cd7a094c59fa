"""Channels: signed webhooks from POS systems, warehouses and marketplaces, the inbox that
deduplicates them, and the events they become."""

from omni_infra.domains.base import ChannelSecrets, DomainData, DomainServices, DomainSpec, TableSpec, api, outbox

SPEC = DomainSpec(
    name="channels",
    table=TableSpec(),
    channel_secrets=ChannelSecrets(name="webhook-secret", variable="WEBHOOK_SECRETS"),
    functions=(
        api("channels.handlers.api.handler", reads_channel_secrets=True),
        outbox("channels.handlers.outbox.handler"),
    ),
)


class ChannelsData(DomainData):
    spec = SPEC


class ChannelsServices(DomainServices):
    spec = SPEC
