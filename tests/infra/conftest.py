"""Synthesize the Omni app once per session per stage (dev, prod) and share the templates.

The app is built in-process exactly as infra/app.py builds it (cdk.json context, cdk-nag enabled),
into a temporary cloud assembly; asset staging is off (the templates are identical, only the
46 MB layer copy is skipped).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk.assertions import Template  # noqa: E402

from omni_infra import OmniApp, build_app, bytecode  # noqa: E402
from omni_infra.layer import LAYER_BUILD  # noqa: E402


@dataclass
class Synth:
    omni: OmniApp
    outdir: Path
    stateful_json: dict
    stateless_json: dict
    api_json: dict
    alarms_json: dict
    stateful: Template
    stateless: Template
    api: Template

    @property
    def stage(self) -> str:
        return self.omni.config.stage

    @property
    def templates(self) -> dict[str, dict]:
        """Every stack's template by stack name, in deployment order."""
        stacks = (self.omni.stateful, self.omni.stateless, self.omni.api, self.omni.alarms)
        jsons = (self.stateful_json, self.stateless_json, self.api_json, self.alarms_json)
        return {stack.stack_name: template for stack, template in zip(stacks, jsons, strict=True)}

    def resources(self, type_: str, stack: str = "stateless") -> dict[str, dict]:
        """Resources of a type in the stateful stack, the API stack (`api`), or what can be replaced (`stateless`:
        the stateless stack with the API and alarms stacks, which call or watch what it holds)."""
        templates = {
            "stateful": [self.stateful_json],
            "api": [self.api_json],
            "stateless": [self.stateless_json, self.api_json, self.alarms_json],
        }[stack]
        return {key: value for template in templates for key, value in template["Resources"].items() if value["Type"] == type_}

    def referenced(self, value) -> str:
        """The logical id a Ref/GetAtt names, or, for an import, the stateless stack's resource it exports."""
        if "Fn::GetAtt" in value:
            return value["Fn::GetAtt"][0]
        if "Ref" in value:
            return value["Ref"]
        export = value["Fn::ImportValue"].split(":", 1)[1]
        return max((key for key in self.stateless_json["Resources"] if export.startswith(f"ExportsOutputFnGetAtt{key}") or export.startswith(f"ExportsOutputRef{key}")), key=len)

    def watched(self, dimension_value) -> str:
        """The logical id an alarm's dimension names: a Ref/GetAtt, or the stateless stack's export of it."""
        return self.referenced(dimension_value)

    def functions(self) -> dict[str, dict]:
        return self.resources("AWS::Lambda::Function")

    def function_by_handler(self, handler: str) -> tuple[str, dict]:
        matches = [(k, v) for k, v in self.functions().items() if v["Properties"]["Handler"] == handler]
        assert len(matches) == 1, f"{handler}: {len(matches)} functions"
        return matches[0]

    def alias_of(self, function_id: str) -> str:
        """Logical id of the function's alias (API functions are invoked through `live`)."""
        aliases = self.resources("AWS::Lambda::Alias").items()
        ids = [k for k, v in aliases if v["Properties"]["FunctionName"] == {"Ref": function_id}]
        assert len(ids) == 1, f"{function_id}: {len(ids)} aliases"
        return ids[0]

    def statements_of(self, function_id: str) -> list[dict]:
        """Every statement of every policy attached to the function's role."""
        role = self.functions()[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
        found = []
        for policy in self.resources("AWS::IAM::Policy").values():
            if {"Ref": role} in policy["Properties"]["Roles"]:
                found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
        for inline in self.stateless_json["Resources"][role]["Properties"].get("Policies", []):
            found.extend(inline["PolicyDocument"]["Statement"])
        return found

    def table_id(self, domain: str) -> str:
        """Logical id of a domain's table in the stateful stack (exports embed it)."""
        ids = [k for k in self.resources("AWS::DynamoDB::Table", "stateful") if k.startswith(domain.capitalize())]
        assert len(ids) == 1, ids
        return ids[0]


def _layer_dir(tmp: Path) -> Path:
    """The built layer if there is one; else an empty stand-in (its content is not under test here)."""
    if (LAYER_BUILD / "python").is_dir():
        return LAYER_BUILD
    (tmp / "layer" / "python").mkdir(parents=True, exist_ok=True)
    (tmp / "layer" / "python" / bytecode.MARKER).touch()
    return tmp / "layer"


def _synth(stage: str, tmp: Path) -> Synth:
    outdir = tmp / f"cdk.out.{stage}"
    omni = build_app(
        context={"stage": stage, "aws:cdk:disable-asset-staging": True},
        outdir=str(outdir),
        layer_dir=_layer_dir(tmp),
    )
    assembly = omni.app.synth()
    stateful_json = assembly.get_stack_by_name(omni.stateful.stack_name).template
    stateless_json = assembly.get_stack_by_name(omni.stateless.stack_name).template
    api_json = assembly.get_stack_by_name(omni.api.stack_name).template
    alarms_json = assembly.get_stack_by_name(omni.alarms.stack_name).template
    return Synth(
        omni=omni,
        outdir=outdir,
        stateful_json=stateful_json,
        stateless_json=stateless_json,
        api_json=api_json,
        alarms_json=alarms_json,
        stateful=Template.from_json(stateful_json),
        stateless=Template.from_json(stateless_json),
        api=Template.from_json(api_json),
    )


@pytest.fixture(scope="session")
def dev(tmp_path_factory) -> Synth:
    return _synth("dev", tmp_path_factory.mktemp("infra"))


@pytest.fixture(scope="session")
def prod(tmp_path_factory) -> Synth:
    return _synth("prod", tmp_path_factory.mktemp("infra"))


@pytest.fixture(scope="session", params=["dev", "prod"])
def synth(request) -> Iterator[Synth]:
    """Both stages, for properties that must hold everywhere."""
    yield request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def openapi_document(dev) -> dict:
    return json.loads(Path(dev.omni.api.api.document_path).read_text())
