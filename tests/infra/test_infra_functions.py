"""Every function is built the same way (OmniFunction), and the expected functions exist."""

from __future__ import annotations

import json

from omni_infra.domains import table_domains

EXPECTED_HANDLERS = {
    "catalog.handlers.api.handler",
    "catalog.handlers.outbox.handler",
    "inventory.handlers.api.handler",
    "inventory.handlers.outbox.handler",
    "inventory.handlers.catalog_sync.handler",
    "inventory.handlers.projection.handler",
    "inventory.handlers.hold_sweeper.handler",
    "inventory.handlers.channel_sync.handler",
    "inventory.handlers.location_recompute.handler",
    "orders.handlers.api.handler",
    "orders.handlers.outbox.handler",
    "orders.handlers.price_sync.handler",
    "orders.handlers.payments_sync.handler",
    "orders.handlers.channel_orders.handler",
    "orders.handlers.attribution.handler",
    "inventory.handlers.returns.handler",
    "orders.handlers.privacy.handler",
    "profiles.handlers.api.handler",
    "profiles.handlers.outbox.handler",
    "profiles.handlers.consumer.handler",  # three functions: order, payment and channel events
    "channels.handlers.api.handler",
    "channels.handlers.outbox.handler",
    "channels.handlers.normalizer.handler",
    "channels.handlers.outbound_events.handler",
    "channels.handlers.outbound_sender.handler",
    "ops.handlers.api.handler",
    "payments.handlers.api.handler",
    "payments.handlers.outbox.handler",
    "payments.handlers.webhook_processor.handler",
    "payments.handlers.orders_events.handler",
    "payments.handlers.deadline_sweeper.handler",
}


def test_the_declared_functions_exist(dev):
    handlers = [fn["Properties"]["Handler"] for fn in dev.functions().values()]
    assert sorted(set(handlers)) == sorted(EXPECTED_HANDLERS)
    logical_ids = set(dev.functions())
    for expected in ("CatalogApi", "CatalogOutbox", "InventoryHoldSweeper", "ProfilesApi"):
        assert any(name.startswith(expected) for name in logical_ids), expected


def test_every_function_is_arm64_python313_traced_json_logged(synth):
    (layer_id,) = synth.resources("AWS::Lambda::LayerVersion")
    code = set()
    for name, fn in synth.functions().items():
        props = fn["Properties"]
        assert props["Architectures"] == ["arm64"], name
        assert props["Runtime"] == "python3.13", name
        assert props["TracingConfig"] == {"Mode": "Active"}, name
        assert props["LoggingConfig"]["LogFormat"] == "JSON", name
        level = props["Environment"]["Variables"]["POWERTOOLS_LOG_LEVEL"]
        assert props["LoggingConfig"]["ApplicationLogLevel"] == level.replace("WARNING", "WARN"), name
        assert props["Layers"] == [{"Ref": layer_id}], name
        assert props["MemorySize"] >= 512, name
        assert "ReservedConcurrentExecutions" not in props, name
        code.add(json.dumps(props["Code"], sort_keys=True))
    assert len(code) == 1, "all functions share ONE code asset"


def test_every_function_logs_to_its_own_encrypted_group_with_retention(synth):
    groups = synth.resources("AWS::Logs::LogGroup")
    used = []
    for name, fn in synth.functions().items():
        group_id = fn["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        used.append(group_id)
        group = groups[group_id]["Properties"]
        assert group["RetentionInDays"] == synth.omni.config.log_retention_days, name
        assert "KmsKeyId" in group, name
    assert len(set(used)) == len(used)


def test_log_retention_longer_in_prod(dev, prod):
    assert dev.omni.config.log_retention_days == 14
    assert prod.omni.config.log_retention_days > dev.omni.config.log_retention_days


# Consumers that look a channel up in the registry (FunctionSpec.knows_channels).
CHANNEL_CONSUMERS = {"inventory.handlers.channel_sync.handler", "orders.handlers.channel_orders.handler"}


def test_environment(synth):
    stage = synth.stage
    for name, fn in synth.functions().items():
        env = fn["Properties"]["Environment"]["Variables"]
        domain = fn["Properties"]["Handler"].split(".")[0]
        assert env["STAGE"] == stage, name
        assert env["POWERTOOLS_SERVICE_NAME"] == f"omni-{domain}", name
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Omni", name
        assert env["POWERTOOLS_LOG_LEVEL"] in ("DEBUG", "INFO"), name
        assert "Fn::ImportValue" in env["EVENT_BUS_NAME"], name
        if domain in table_domains():
            assert synth.table_id(domain) in json.dumps(env["TABLE_NAME"]), name
        else:
            assert "TABLE_NAME" not in env, name
        has_channels = "CHANNELS" in env  # API functions, and consumers that look a channel up in the registry
        knows_channels = fn["Properties"]["Handler"].endswith(".api.handler") or fn["Properties"]["Handler"] in CHANNEL_CONSUMERS
        assert has_channels == knows_channels, name


def test_function_roles_use_no_managed_policies(synth):
    for name, fn in synth.functions().items():
        role = fn["Properties"]["Role"]["Fn::GetAtt"][0]
        assert not synth.stateless_json["Resources"][role]["Properties"].get("ManagedPolicyArns"), name


def test_function_error_alarms_only_in_prod(dev, prod):
    def errors_alarms(synth):
        alarms = synth.resources("AWS::CloudWatch::Alarm").values()
        return [a for a in alarms if a["Properties"].get("MetricName") == "Errors"]

    assert not errors_alarms(dev)
    assert len(errors_alarms(prod)) == len(prod.functions())
