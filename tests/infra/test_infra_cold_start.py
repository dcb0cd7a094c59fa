"""Cold start (decisions 17, 18): API functions run a published version through an alias, with SnapStart
where the stage turns it on; every function keeps Lambda's active tracing; the X-Ray SDK is opt-in."""

from __future__ import annotations

import pytest

from omni_infra import build_app
from omni_infra.layer import LAYER_BUILD


def _api_functions(synth) -> dict[str, dict]:
    return {k: v for k, v in synth.functions().items() if v["Properties"]["Handler"].endswith(".api.handler")}


def test_every_function_keeps_lambda_active_tracing_without_the_xray_sdk(synth):
    for fn_id, fn in synth.functions().items():
        props = fn["Properties"]
        if ".handlers." not in props.get("Handler", ""):
            continue  # CDK's own helper functions
        assert props["TracingConfig"] == {"Mode": "Active"}, fn_id
        assert "XRAY_SDK" not in props["Environment"]["Variables"], fn_id


def test_api_functions_are_invoked_through_the_alias_live_of_a_published_version(synth):
    versions = synth.resources("AWS::Lambda::Version")
    for fn_id in _api_functions(synth):
        alias = synth.resources("AWS::Lambda::Alias")[synth.alias_of(fn_id)]["Properties"]
        assert alias["Name"] == "live"
        version_id = alias["FunctionVersion"]["Fn::GetAtt"][0]
        assert versions[version_id]["Properties"]["FunctionName"] == {"Ref": fn_id}
        # a replaced version is deleted, so no stale snapshot stays cached (and billed)
        assert versions[version_id]["DeletionPolicy"] == "Delete"


def test_only_api_functions_are_published(synth):
    published = {v["Properties"]["FunctionName"]["Ref"] for v in synth.resources("AWS::Lambda::Version").values()}
    assert published == set(_api_functions(synth))


def test_snapstart_is_on_for_the_api_functions_in_prod_only(dev, prod):
    for fn_id, fn in prod.functions().items():
        expected = {"ApplyOn": "PublishedVersions"} if fn_id in _api_functions(prod) else None
        assert fn["Properties"].get("SnapStart") == expected, fn_id
    assert all("SnapStart" not in fn["Properties"] for fn in dev.functions().values())


@pytest.fixture(scope="module")
def with_xray_sdk(tmp_path_factory, dev):
    stages = dev.omni.app.node.try_get_context("stages")
    dev_with_sdk = {**stages["dev"], "xraySdk": True}
    context = {"stage": "dev", "aws:cdk:disable-asset-staging": True, "stages": {"dev": dev_with_sdk}}
    tmp = tmp_path_factory.mktemp("xray")
    layer = LAYER_BUILD if (LAYER_BUILD / "python").is_dir() else tmp  # its content is not under test
    omni = build_app(context=context, outdir=str(tmp / "cdk.out"), layer_dir=layer)
    return omni.app.synth().get_stack_by_name(omni.stateless.stack_name).template


def test_a_stage_can_opt_in_to_xray_sdk_subsegments(with_xray_sdk):
    resources = with_xray_sdk["Resources"].values()
    functions = [r for r in resources if r["Type"] == "AWS::Lambda::Function" and ".handlers." in r["Properties"].get("Handler", "")]
    assert functions and all(fn["Properties"]["Environment"]["Variables"]["XRAY_SDK"] == "true" for fn in functions)
