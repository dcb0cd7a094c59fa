"""The four stacks of a stage: each far enough from CloudFormation's limits, one deployment order, the API whole in
its own stack (decisions 52, 69)."""

from __future__ import annotations

# CloudFormation refuses a template of more than 500 resources or 200 outputs; fail here first, with room to act.
MAX_RESOURCES = 450
MAX_OUTPUTS = 180


def test_every_stack_of_every_stage_stays_well_below_cloudformation_limits(dev, prod):
    counts = {name: (len(t["Resources"]), len(t.get("Outputs", {}))) for synth in (dev, prod) for name, t in synth.templates.items()}
    assert len(counts) == 8, counts
    crowded = {name: count for name, count in counts.items() if count[0] > MAX_RESOURCES or count[1] > MAX_OUTPUTS}
    assert not crowded, f"(resources, outputs) past {MAX_RESOURCES}/{MAX_OUTPUTS}: {crowded}; split a stack (decision 69)"


def test_stacks_depend_one_way_in_deployment_order(synth):
    """`cdk deploy --all` deploys a stack after those it depends on: stateful, stateless, api, alarms. (A cycle, such
    as the API's invoke permissions in the functions' stack, fails synth itself.)"""
    omni = synth.omni
    order = [omni.stateful, omni.stateless, omni.api, omni.alarms]
    for index, stack in enumerate(order):
        assert {dependency.stack_name for dependency in stack.dependencies} == {s.stack_name for s in order[:index]}, stack.stack_name


def test_the_api_stack_holds_all_of_the_api_and_the_stateless_stack_only_the_channel_keys(synth):
    def api_types(template):
        return {value["Type"] for value in template["Resources"].values() if value["Type"].startswith("AWS::ApiGateway::")}

    assert api_types(synth.stateless_json) == {"AWS::ApiGateway::ApiKey"}
    assert {"AWS::ApiGateway::RestApi", "AWS::ApiGateway::Method", "AWS::ApiGateway::Stage", "AWS::ApiGateway::UsagePlan"} <= api_types(synth.api_json)
    assert "AWS::ApiGateway::ApiKey" not in api_types(synth.api_json)
    assert not api_types(synth.stateful_json) | api_types(synth.alarms_json)


# The keys' logical ids in the stages deployed before decision 69 (the same in every stage: the stack's name is no part).
DEPLOYED_KEYS = {
    "ApiChannelWebKey32534215",
    "ApiChannelAppKey7F7108F2",
    "ApiChannelPosKeyF633D53B",
    "ApiChannelMarketplaceKeyB758E860",
    "ApiChannelShopifyKey9324487A",
    "ApiChannelBazaarKey8B37ECD9",
}


def test_channel_keys_keep_the_logical_ids_deployed_stages_have(synth):
    """A new logical id would replace the key, and every channel would have to be given a new value."""
    keys = synth.resources("AWS::ApiGateway::ApiKey")
    assert DEPLOYED_KEYS <= set(keys) <= set(synth.stateless_json["Resources"])
    # What the logical ids come from, so a channel added later gets its id the same way.
    channel_keys = synth.omni.stateless.channel_keys
    assert channel_keys.node.path == f"{synth.omni.stateless.stack_name}/Api"
    assert [key.node.id for _, key in channel_keys.pairs] == [f"Channel{c.id.title().replace('-', '')}Key" for c in synth.omni.config.channels]


def test_the_api_url_is_a_stack_output(synth):
    urls = [output for key, output in synth.api_json["Outputs"].items() if key.startswith("ApiUrl")]
    assert len(urls) == 1 and "Description" in urls[0]
    (rest_api,) = synth.resources("AWS::ApiGateway::RestApi", "api")
    (stage,) = synth.resources("AWS::ApiGateway::Stage", "api")
    assert {"Ref": rest_api} in urls[0]["Value"]["Fn::Join"][1] and {"Ref": stage} in urls[0]["Value"]["Fn::Join"][1]


def test_the_shopper_authorizer_keeps_the_name_deployed_stages_gave_it(synth):
    """Its name is the one property the split would have changed in what moved (CDK derived it from the stateless
    stack's path): unchanged, `cdk refactor` can move the deployed API instead of replacing it (decision 69)."""
    (authorizer,) = synth.resources("AWS::ApiGateway::Authorizer", "api").values()
    deployed = {"dev": "omnidevstatelessApiShopperAuthorizer2F7B19CA", "prod": "omniprodstatelessApiShopperAuthorizer79193786"}
    assert authorizer["Properties"]["Name"] == deployed[synth.stage]
