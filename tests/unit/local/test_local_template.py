"""Loading a cloud assembly and resolving CloudFormation intrinsics to local values."""

import json
from pathlib import Path

import pytest

from omni_local import physical
from omni_local.resolve import ResolveError, Resolver
from omni_local.template import Assembly

FIXTURE = Path(__file__).parent / "fixtures" / "cdkout"
MOTO = "http://127.0.0.1:5000"


def resolver(**templates) -> Resolver:
    return Resolver(Assembly.from_templates(templates), physical.Naming(MOTO))


def resources(**body):
    return {"Resources": body}


def test_loads_every_stack_of_the_manifest_and_indexes_resources():
    assembly = Assembly.load(FIXTURE)
    assert sorted(assembly.stacks) == ["FixtureStateful", "FixtureStateless"]
    assert assembly.find("DataTable1A2B3C4D").type == "AWS::DynamoDB::Table"
    assert assembly.find("ApiFunctionAAAA1111").stack == "FixtureStateless"
    assert assembly.find("Nope") is None


def test_without_a_manifest_the_templates_are_globbed(tmp_path):
    (tmp_path / "A.template.json").write_text(json.dumps(resources(Q={"Type": "AWS::SQS::Queue"})))
    assert list(Assembly.load(tmp_path).stacks) == ["A"]
    with pytest.raises(FileNotFoundError):
        Assembly.load(tmp_path / "missing")


def test_ref_and_getatt_of_each_resource_type_are_local_and_stable():
    r = resolver(
        S=resources(
            Table={"Type": "AWS::DynamoDB::Table", "Properties": {}},
            Named={"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "orders"}},
            Queue={"Type": "AWS::SQS::Queue"},
            Fifo={"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": True}},
            Bus={"Type": "AWS::Events::EventBus", "Properties": {"Name": "omni"}},
            Fn={"Type": "AWS::Lambda::Function"},
            Key={"Type": "AWS::ApiGateway::ApiKey"},
            Pool={"Type": "AWS::Cognito::UserPool"},
            Kms={"Type": "AWS::KMS::Key"},
            Other={"Type": "Custom::Thing"},
        )
    )
    assert r.ref("S", "Table") == "Table"
    assert r.ref("S", "Named") == "orders"
    assert r.get_att("S", "Named", "Arn") == "arn:aws:dynamodb:us-east-1:000000000000:table/orders"
    assert r.get_att("S", "Named", "StreamArn").startswith("arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/")
    assert r.ref("S", "Queue") == f"{MOTO}/000000000000/Queue"
    assert r.get_att("S", "Queue", "Arn") == "arn:aws:sqs:us-east-1:000000000000:Queue"
    assert r.get_att("S", "Queue", "QueueName") == "Queue"
    assert r.ref("S", "Fifo").endswith("/Fifo.fifo")
    assert r.ref("S", "Bus") == "omni" and r.get_att("S", "Bus", "Arn").endswith(":event-bus/omni")
    assert r.ref("S", "Fn") == "Fn" and r.get_att("S", "Fn", "Arn") == "arn:aws:lambda:us-east-1:000000000000:function:Fn"
    assert r.ref("S", "Key") == r.get_att("S", "Key", "APIKeyId") == physical.api_key_id("Key")
    pool = r.ref("S", "Pool")
    assert pool.startswith("us-east-1_") and len(pool) == len("us-east-1_") + 9
    assert r.get_att("S", "Pool", "Arn").endswith(f":userpool/{pool}")
    assert r.get_att("S", "Pool", "ProviderURL") == f"https://cognito-idp.us-east-1.amazonaws.com/{pool}"
    assert r.get_att("S", "Kms", "Arn").endswith(":key/" + r.ref("S", "Kms"))
    assert r.ref("S", "Other") == "Other"
    assert resolver(S=resources(Key={"Type": "AWS::ApiGateway::ApiKey"})).ref("S", "Key") == r.ref("S", "Key")


def test_join_sub_select_split_and_pseudo_parameters():
    r = resolver(
        S={
            "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
            "Resources": {"Fn": {"Type": "AWS::Lambda::Function"}, "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "b"}}},
        }
    )
    assert r.resolve({"Fn::Join": ["-", ["omni", {"Ref": "Stage"}, 3, True]]}, "S") == "omni-dev-3-true"
    assert (
        r.resolve({"Fn::Sub": "arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Fn.Arn}/${!Literal}"}, "S")
        == "arn:aws:x:us-east-1:000000000000:arn:aws:lambda:us-east-1:000000000000:function:Fn/${Literal}"
    )
    assert r.resolve({"Fn::Sub": ["${Bus}-${Extra}", {"Extra": {"Ref": "Stage"}}]}, "S") == "b-dev"
    assert r.resolve({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}, "S") == "b"
    assert r.resolve({"Ref": "AWS::URLSuffix"}, "S") == "amazonaws.com"
    assert r.resolve({"Ref": "AWS::StackName"}, "S") == "S"
    assert r.resolve({"Fn::ToJsonString": {"a": {"Ref": "Stage"}}}, "S") == '{"a":"dev"}'


def test_conditions_if_and_no_value():
    r = resolver(
        S={
            "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
            "Conditions": {
                "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
                "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
                "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]}]},
            },
            "Resources": {
                "Always": {"Type": "AWS::SQS::Queue"},
                "ProdOnly": {"Type": "AWS::SQS::Queue", "Condition": "IsProd"},
            },
        }
    )
    value = {"A": {"Fn::If": ["IsProd", "big", "small"]}, "B": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}, "C": [1, {"Fn::If": ["Both", {"Ref": "AWS::NoValue"}, 2]}]}
    assert r.resolve(value, "S") == {"A": "small", "C": [1]}
    assert [x.logical_id for x in r.resources("AWS::SQS::Queue")] == ["Always"]


def test_import_value_follows_the_exporting_stack_outputs():
    r = resolver(
        Stateful={
            "Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t"}}},
            "Outputs": {"Out": {"Value": {"Fn::GetAtt": ["Table", "StreamArn"]}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}:TableStream"}}}},
        },
        Stateless=resources(),
    )
    assert r.resolve({"Fn::ImportValue": "Stateful:TableStream"}, "Stateless").startswith("arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/")
    with pytest.raises(ResolveError):
        r.resolve({"Fn::ImportValue": "Stateful:Nope"}, "Stateless")


def test_a_functions_environment_may_name_its_own_arn():
    r = resolver(S=resources(Fn={"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "named", "Environment": {"Variables": {"SELF": {"Fn::GetAtt": ["Fn", "Arn"]}}}}}))
    assert r.props(r.assembly.find("Fn"))["Environment"]["Variables"]["SELF"].endswith(":function:named")


def test_an_alias_and_a_version_name_their_function():
    fn = {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "named"}}
    version = {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}}
    alias = {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Fn"}, "FunctionVersion": {"Fn::GetAtt": ["Version", "Version"]}, "Name": "live"}}
    r = resolver(S=resources(Fn=fn, Version=version, Alias=alias))
    assert r.ref("S", "Alias") == "arn:aws:lambda:us-east-1:000000000000:function:named:live"
    assert physical.function_from_arn(r.ref("S", "Version")) == "named"


def test_the_fixture_assembly_resolves_cross_stack():
    r = Resolver(Assembly.load(FIXTURE), physical.Naming(MOTO))
    env = r.props(r.assembly.find("ApiFunctionAAAA1111"))["Environment"]["Variables"]
    assert env["TABLE_NAME"] == "DataTable1A2B3C4D"
    assert env["EVENT_BUS_NAME"] == "fixture-dev-bus"
    channels = json.loads(env["CHANNELS"])
    assert channels[r.ref("FixtureStateless", "WebKeyA1B2C3D4")] == {"id": "web", "kind": "storefront"}


def test_arns_map_back_to_what_they_name():
    assert physical.function_from_arn("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:Fn/invocations") == "Fn"
    assert physical.function_from_arn("arn:aws:lambda:us-east-1:000000000000:function:Fn:live") == "Fn"
    assert physical.table_from_arn("arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x") == "t"
    assert physical.queue_url_from_arn("arn:aws:sqs:us-east-1:000000000000:q", MOTO + "/") == f"{MOTO}/000000000000/q"
    assert physical.bus_name(None) == "default"
    assert physical.bus_name("arn:aws:events:us-east-1:000000000000:event-bus/omni") == "omni"
