"""The stateful stack: tables, key, bus and archive, user pool; what differs between dev and prod."""

from __future__ import annotations

from aws_cdk.assertions import Match

DOMAIN_TABLES = {"catalog", "inventory", "channels", "profiles"}


def test_one_table_per_domain_with_data(synth):
    tables = synth.resources("AWS::DynamoDB::Table", "stateful")
    assert len(tables) == len(DOMAIN_TABLES)
    assert {synth.table_id(domain) for domain in DOMAIN_TABLES} == set(tables)
    assert not synth.resources("AWS::DynamoDB::Table"), "tables belong to the stateful stack only"


def test_every_table_has_keys_pitr_stream_ttl_and_the_customer_key(synth):
    key_id = next(iter(synth.resources("AWS::KMS::Key", "stateful")))
    for name, table in synth.resources("AWS::DynamoDB::Table", "stateful").items():
        props = table["Properties"]
        assert props["KeySchema"] == [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ], name
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}, name
        assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}, name
        assert props["SSESpecification"] == {
            "SSEEnabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
        }, name


def test_inventory_indexes(dev):
    dev.stateful.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": name,
                    "KeySchema": [
                        {"AttributeName": f"{name}pk", "KeyType": "HASH"},
                        {"AttributeName": f"{name}sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for name in ("gsi1", "gsi2")
            ]
        },
    )
    catalog = dev.stateful_json["Resources"][dev.table_id("catalog")]["Properties"]
    assert "GlobalSecondaryIndexes" not in catalog


def test_key_rotates_and_lets_logs_and_eventbridge_use_it(synth):
    (key,) = synth.resources("AWS::KMS::Key", "stateful").values()
    assert key["Properties"]["EnableKeyRotation"] is True
    sids = {s.get("Sid") for s in key["Properties"]["KeyPolicy"]["Statement"]}
    assert {"CloudWatchLogsOfThisAccount", "EventBridgeRuleDeadLetterQueues"} <= sids


def test_prod_retains_and_protects_data(prod):
    assert prod.omni.stateful.termination_protection is True
    for type_ in ("AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::Cognito::UserPool"):
        for name, resource in prod.resources(type_, "stateful").items():
            assert resource["DeletionPolicy"] == "Retain", name
            assert resource["UpdateReplacePolicy"] == "Retain", name
    for name, table in prod.resources("AWS::DynamoDB::Table", "stateful").items():
        assert table["Properties"]["DeletionProtectionEnabled"] is True, name
    prod.stateful.has_resource_properties("AWS::Cognito::UserPool", {"DeletionProtection": "ACTIVE"})
    for name, group in prod.resources("AWS::Logs::LogGroup").items():
        assert group["DeletionPolicy"] == "Retain", name


def test_dev_can_be_torn_down(dev):
    assert not dev.omni.stateful.termination_protection
    for type_ in ("AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::Cognito::UserPool"):
        for name, resource in dev.resources(type_, "stateful").items():
            assert resource["DeletionPolicy"] == "Delete", name
    for name, table in dev.resources("AWS::DynamoDB::Table", "stateful").items():
        assert table["Properties"].get("DeletionProtectionEnabled") in (None, False), name
    dev.stateful.has_resource_properties("AWS::Cognito::UserPool", {"DeletionProtection": "INACTIVE"})


def test_bus_and_archive_of_all_its_events(synth):
    synth.stateful.has_resource_properties("AWS::Events::EventBus", {"Name": f"omni-{synth.stage}"})
    (bus_id,) = synth.resources("AWS::Events::EventBus", "stateful")
    (key_id,) = synth.resources("AWS::KMS::Key", "stateful")
    synth.stateful.has_resource_properties(
        "AWS::Events::Archive",
        {
            "SourceArn": {"Fn::GetAtt": [bus_id, "Arn"]},
            "EventPattern": {"account": [{"Ref": "AWS::AccountId"}]},
            "RetentionDays": synth.omni.config.archive_retention_days,
            "KmsKeyIdentifier": {"Fn::GetAtt": [key_id, "Arn"]},
        },
    )


def test_archive_retention_is_longer_in_prod(dev, prod):
    assert prod.omni.config.archive_retention_days > dev.omni.config.archive_retention_days


def test_shopper_pool_and_storefront_client(synth):
    synth.stateful.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "UsernameAttributes": ["email"],
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
            "UserPoolTier": "PLUS",
            "Policies": {
                "PasswordPolicy": Match.object_like(
                    {
                        "MinimumLength": Match.any_value(),
                        "RequireLowercase": True,
                        "RequireUppercase": True,
                        "RequireNumbers": True,
                        "RequireSymbols": True,
                    }
                )
            },
        },
    )
    (pool,) = synth.resources("AWS::Cognito::UserPool", "stateful").values()
    assert pool["Properties"]["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    expected_mode = "ENFORCED" if synth.stage == "prod" else "AUDIT"
    assert pool["Properties"]["UserPoolAddOns"] == {"AdvancedSecurityMode": expected_mode}
    synth.stateful.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "GenerateSecret": False,
            "PreventUserExistenceErrors": "ENABLED",
            "ExplicitAuthFlows": Match.array_with(["ALLOW_USER_SRP_AUTH"]),
        },
    )


def test_stateless_stack_imports_what_it_uses(dev):
    body = str(dev.stateless_json)
    assert "Fn::ImportValue" in body
    assert dev.omni.stateless.stack_name == "omni-dev-stateless"
    assert dev.omni.stateful.stack_name == "omni-dev-stateful"
