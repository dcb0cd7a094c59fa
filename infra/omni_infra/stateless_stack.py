"""omni-<stage>-stateless: what can be replaced at any time. Functions, their triggers, the channels' API keys.

Receives the stateful stack's key, tables and bus (CDK generates the exports/imports); the API stack receives
its API functions and channel keys (decision 69).
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_s3 as s3
from constructs import Construct

from omni_infra.api import ChannelKeys
from omni_infra.config import Config
from omni_infra.domains import DOMAINS
from omni_infra.domains.base import DomainServices, Stream
from omni_infra.function import OmniFunction, Platform, functions_code
from omni_infra.layer import LAYER_BUILD, dependencies_layer
from omni_infra.monitoring import Monitoring
from omni_infra.parking import parked_bucket_name, parked_metric
from omni_infra.stateful_stack import StatefulStack


class StatelessStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Config,
        data: StatefulStack,
        monitoring: Monitoring,
        layer_dir: Path = LAYER_BUILD,
        **kwargs,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.config = config

        self.platform = Platform(
            config=config,
            code=functions_code(),
            layer=dependencies_layer(self, "Dependencies", build_dir=layer_dir),
            bus=data.bus,
            key=data.key,
            monitoring=monitoring,
            # By name: no cross-stack reference, and grants on its objects cdk-nag can match.
            parked=s3.Bucket.from_bucket_attributes(self, "ParkedBatches", bucket_name=parked_bucket_name(config), encryption_key=data.key),
        )
        monitoring.alarm(
            self,
            "ParkedBatchesAlarm",
            parked_metric(self.platform.parked),
            description="An outbox gave up on a stream batch (EventBridge failing?): redrive it, see POST /v1/ops/redrive",
        )

        self.domains: dict[str, DomainServices] = {}
        declared = {services_cls.spec.name: services_cls.spec.table for _, services_cls in DOMAINS}
        for _, services_cls in DOMAINS:
            name = services_cls.spec.name
            others = {other: (table, declared[other]) for other, table in data.tables.items() if other != name}
            self.domains[name] = services_cls(
                self,
                platform=self.platform,
                table=data.tables.get(name),
                secrets=data.domains[name].secrets,
                domain_secrets=data.domains[name].domain_secrets,
                others=others,
            )

        self._grant_redrives(data)

        self.channel_keys = ChannelKeys(self, "Api", config=config)
        for services in self.domains.values():
            for item in services.spec.functions:
                if services.functions[item.name] is services.api or item.knows_channels:
                    services.functions[item.name].add_environment("CHANNELS", self.channel_keys.channels_json)

    @property
    def api_functions(self) -> dict[str, OmniFunction]:
        """Each domain's API function (domain -> function), for the API stack's integrations."""
        return {name: services.api for name, services in self.domains.items() if services.api}

    def _grant_redrives(self, data: StatefulStack) -> None:
        """The functions declared `redrives_outboxes` may republish the parked batches of every outbox."""
        outboxes = {name: data.tables[name] for name, services in self.domains.items() if any(isinstance(item.trigger, Stream) for item in services.spec.functions)}
        for services in self.domains.values():
            for item in services.spec.functions:
                if item.redrives_outboxes:
                    services.functions[item.name].redrive_outboxes(self.platform.parked, outboxes)
