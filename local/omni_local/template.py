"""Load the synthesized CloudFormation templates of a cdk.out directory and index their resources.

The local runtime derives everything from these templates, so that what runs locally is exactly the
wiring that would be deployed. Stacks are found through `manifest.json` (following nested assemblies,
which is where CDK Stages put theirs) or, without a manifest, by globbing `*.template.json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Resource:
    stack: str
    logical_id: str
    type: str
    properties: dict[str, Any]
    metadata: dict[str, Any]
    condition: str | None = None


@dataclass
class Stack:
    name: str
    template: dict[str, Any]
    directory: Path  # where the template lives: asset paths in metadata are relative to it
    resources: dict[str, Resource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for logical_id, body in (self.template.get("Resources") or {}).items():
            self.resources[logical_id] = Resource(
                stack=self.name,
                logical_id=logical_id,
                type=body.get("Type", ""),
                properties=body.get("Properties") or {},
                metadata=body.get("Metadata") or {},
                condition=body.get("Condition"),
            )


class Assembly:
    """All stacks of one cloud assembly, with their resources indexed by logical id."""

    def __init__(self, stacks: list[Stack], root: Path | None = None):
        self.stacks = {stack.name: stack for stack in stacks}
        self.root = root

    @classmethod
    def load(cls, cdk_out: str | Path) -> Assembly:
        root = Path(cdk_out)
        if not root.is_dir():
            raise FileNotFoundError(f"no cloud assembly at {root} (run `cdk synth` first)")
        stacks = list(_stacks_of(root))
        if not stacks:
            raise FileNotFoundError(f"no *.template.json in {root}")
        return cls(stacks, root)

    @classmethod
    def from_templates(cls, templates: dict[str, dict], directory: str | Path = ".") -> Assembly:
        """An assembly from in-memory templates (stack name -> template), for tests."""
        return cls([Stack(name, template, Path(directory)) for name, template in templates.items()])

    def resources(self, *types: str) -> Iterator[Resource]:
        for stack in self.stacks.values():
            for resource in stack.resources.values():
                if not types or resource.type in types:
                    yield resource

    def find(self, logical_id: str, stack: str | None = None) -> Resource | None:
        """The resource with this logical id: in `stack` first, else the only one in any stack."""
        if stack and logical_id in self.stacks[stack].resources:
            return self.stacks[stack].resources[logical_id]
        found = [s.resources[logical_id] for s in self.stacks.values() if logical_id in s.resources]
        return found[0] if len(found) == 1 else None


def _stacks_of(directory: Path) -> Iterator[Stack]:
    manifest = directory / "manifest.json"
    if not manifest.exists():
        for path in sorted(directory.glob("*.template.json")):
            yield _stack(path.name.removesuffix(".template.json"), path)
        return
    artifacts = json.loads(manifest.read_text()).get("artifacts") or {}
    for artifact_id, artifact in artifacts.items():
        properties = artifact.get("properties") or {}
        if artifact.get("type") == "aws:cloudformation:stack":
            name = properties.get("stackName") or artifact.get("displayName") or artifact_id
            yield _stack(name, directory / properties["templateFile"])
        elif artifact.get("type") == "cdk:cloud-assembly":
            yield from _stacks_of(directory / properties["directoryName"])


def _stack(name: str, path: Path) -> Stack:
    return Stack(name=name, template=json.loads(path.read_text()), directory=path.parent)
