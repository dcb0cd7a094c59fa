"""Least privilege: each function reaches its own domain's data only, with named actions."""

from __future__ import annotations

import json

from omni_infra.domains import table_domains

# Actions that have no resource-level permissions, the only ones allowed on Resource "*".
STAR_RESOURCE_ALLOWED = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"}


def _actions(statement) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else actions


def _references(statement, logical_id: str) -> bool:
    return logical_id in json.dumps(statement["Resource"])


def _all_statements(synth):
    for fn_id in synth.functions():
        for statement in synth.statements_of(fn_id):
            yield fn_id, statement


def test_no_wildcard_actions_on_data(synth):
    for fn_id, statement in _all_statements(synth):
        for action in _actions(statement):
            service, _, name = action.partition(":")
            assert name != "*", f"{fn_id}: {action}"
            if service in ("dynamodb", "sqs", "events", "sns", "logs"):
                assert "*" not in name, f"{fn_id}: {action}"


def test_only_actions_without_resource_permissions_use_star(synth):
    for fn_id, statement in _all_statements(synth):
        if statement["Resource"] == "*":
            assert set(_actions(statement)) <= STAR_RESOURCE_ALLOWED, f"{fn_id}: {statement}"


def _writes_to() -> dict[str, tuple[str, ...]]:
    from omni_infra.domains import function_specs

    return {function.handler: function.writes_to for _, function in function_specs()}


def _composable_keys(domain: str) -> list[str]:
    from omni_infra.domains import function_specs

    return next(list(spec.table.composable_keys) for spec, _ in function_specs() if spec.name == domain)


def test_domains_cannot_touch_each_others_tables_but_through_a_declared_composition(synth):
    """Another domain's table only for a function declaring `writes_to` it (decision 32), and then only the
    composing actions on the owner's composable key prefixes."""
    from omni_infra.function import COMPOSED_ACTIONS

    tables = {domain: synth.table_id(domain) for domain in table_domains()}
    writes_to = _writes_to()
    for fn_id, fn in synth.functions().items():
        handler = fn["Properties"]["Handler"]
        domain = handler.split(".")[0]
        for statement in synth.statements_of(fn_id):
            for other, table_id in tables.items():
                if other != domain and _references(statement, table_id):
                    assert other in writes_to.get(handler, ()), f"{fn_id} reaches the {other} table"
                    assert sorted(_actions(statement)) == sorted(COMPOSED_ACTIONS), statement
                    assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": _composable_keys(other)}}, statement


def test_checkout_composes_inventorys_operations_and_knows_both_tables(dev):
    """The orders API gets items of inventory's table under SKU#, HOLD# and LOCATION only, nothing to
    delete or scan, and TABLES naming both tables."""
    fn_id, fn = dev.function_by_handler("orders.handlers.api.handler")
    inventory = dev.table_id("inventory")
    [statement] = [statement for statement in dev.statements_of(fn_id) if _references(statement, inventory)]
    assert sorted(_actions(statement)) == ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
    assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["SKU#*", "HOLD#*", "LOCATION"]}}
    tables = json.dumps(fn["Properties"]["Environment"]["Variables"]["TABLES"])
    assert "orders" in tables and "inventory" in tables and inventory in tables and dev.table_id("orders") in tables


def test_table_access_per_function(dev):
    inventory = dev.table_id("inventory")
    expected_rw = {
        "catalog.handlers.api.handler": dev.table_id("catalog"),
        "inventory.handlers.api.handler": inventory,
        "inventory.handlers.catalog_sync.handler": inventory,
        "inventory.handlers.projection.handler": inventory,
        "inventory.handlers.hold_sweeper.handler": inventory,
        "inventory.handlers.channel_sync.handler": inventory,
        "channels.handlers.api.handler": dev.table_id("channels"),
    }
    for handler, table_id in expected_rw.items():
        fn_id, _ = dev.function_by_handler(handler)
        actions = {a for s in dev.statements_of(fn_id) if _references(s, table_id) for a in _actions(s)}
        assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"} <= actions, handler
        assert not {"dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:CreateTable"} & actions, handler


def test_indexes_granted_by_name_not_wildcard(dev):
    fn_id, _ = dev.function_by_handler("inventory.handlers.api.handler")
    resources = json.dumps([s["Resource"] for s in dev.statements_of(fn_id)])
    assert "/index/gsi1" in resources and "/index/gsi2" in resources
    assert "/index/*" not in resources


def test_outboxes_read_only_the_stream(dev):
    for domain in table_domains():
        fn_id, _ = dev.function_by_handler(f"{domain}.handlers.outbox.handler")
        item_actions = {a for s in dev.statements_of(fn_id) for a in _actions(s) if a in ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query")}
        assert not item_actions, f"{domain} outbox needs the stream only"
        stream_actions = {a for s in dev.statements_of(fn_id) if "StreamArn" in json.dumps(s["Resource"]) for a in _actions(s)}
        assert "dynamodb:GetRecords" in stream_actions


def test_only_outboxes_put_events(synth):
    publishers = set()
    for fn_id, statement in _all_statements(synth):
        if "events:PutEvents" in _actions(statement):
            publishers.add(synth.functions()[fn_id]["Properties"]["Handler"])
            assert "Fn::ImportValue" in json.dumps(statement["Resource"]), "the omni bus only"
    outboxes = {f"{domain}.handlers.outbox.handler" for domain in table_domains()}
    assert publishers == outboxes | {"ops.handlers.api.handler"}  # the redrive republishes the outboxes' events


def test_an_outbox_may_put_only_events_of_its_own_domain(synth):
    """IAM evaluates events:source per entry, so a function cannot forge another domain's events; the
    redrive may put exactly the outboxes' sources, nothing else."""
    for fn_id, statement in _all_statements(synth):
        if "events:PutEvents" not in _actions(statement):
            continue
        domain = synth.functions()[fn_id]["Properties"]["Handler"].split(".", 1)[0]
        sources = sorted(f"omni.{name}" for name in table_domains()) if domain == "ops" else [f"omni.{domain}"]
        assert statement["Condition"] == {"StringEquals": {"events:source": sources}}, fn_id


def _bucket_statements(synth):
    for fn_id, statement in _all_statements(synth):
        if any(action.startswith("s3:") for action in _actions(statement)):
            yield synth.functions()[fn_id]["Properties"]["Handler"], statement


def test_outboxes_may_only_park_batches_and_only_the_redrive_reads_or_removes_them(synth):
    granted: dict[str, set[str]] = {}
    for handler, statement in _bucket_statements(synth):
        resource = json.dumps(statement["Resource"])
        assert "-parked-" in resource, f"{handler}: s3 on something else: {resource}"
        for action in _actions(statement):
            if action != "s3:ListBucket":
                assert resource.endswith('"/aws/lambda/*"]]}'), f"{handler}: {action} beyond Lambda's prefix"
            granted.setdefault(handler, set()).add(action)
    outbox = {"s3:ListBucket", "s3:PutObject"}  # what Lambda's S3 on-failure destination needs
    assert granted == {f"{domain}.handlers.outbox.handler": outbox for domain in table_domains()} | {
        "ops.handlers.api.handler": {"s3:ListBucket", "s3:GetObject", "s3:DeleteObject"},
    }


def test_functions_without_a_table_get_no_dynamodb_access(dev):
    """Ops has no table: it may read the outboxes' streams' records it redrives (decision 19), no table items."""
    fn_id, _ = dev.function_by_handler("ops.handlers.api.handler")
    actions = {a for s in dev.statements_of(fn_id) if "StreamArn" not in json.dumps(s["Resource"]) for a in _actions(s)}
    assert not any(a.startswith("dynamodb:") for a in actions), actions


def test_function_logs_only_to_its_own_group(synth):
    for fn_id, fn in synth.functions().items():
        group = fn["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        for statement in synth.statements_of(fn_id):
            if any(a.startswith("logs:") for a in _actions(statement)):
                assert statement["Resource"] == {"Fn::GetAtt": [group, "Arn"]}, fn_id
