"""The one dependency layer (layers/requirements.txt, built with pip for arm64 / Python 3.13, compiled by a 3.13)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from omni_infra import bytecode
from omni_infra.config import REPO_ROOT

LAYER_BUILD = REPO_ROOT / "layers" / "build"
RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64


class LayerNotBuilt(RuntimeError):
    """layers/build is missing: synth cannot package the functions' dependencies."""


def dependencies_layer(scope: Construct, id: str, build_dir: Path = LAYER_BUILD) -> lambda_.LayerVersion:
    if not (build_dir / "python").is_dir():
        raise LayerNotBuilt(
            f"{build_dir / 'python'} does not exist: the Lambda layer has not been built. "
            "Run `make layer` (uv pip install --python-platform aarch64-manylinux2014 "
            "--python-version 3.13 --only-binary :all: -r layers/requirements.txt "
            "--target layers/build/python), then synthesize again."
        )
    if not bytecode.is_compiled(build_dir / "python"):
        raise LayerNotBuilt(
            f"{build_dir / 'python'} has no Python {bytecode.LAMBDA_PYTHON_VERSION} bytecode (it was built before "
            "decision 17's .pyc, or its build was interrupted): run `make layer` again."
        )
    return lambda_.LayerVersion(
        scope,
        id,
        code=lambda_.Code.from_asset(str(build_dir), exclude=[*bytecode.ASSET_EXCLUDE, ".built"]),
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
        description="Omni dependencies (layers/requirements.txt)",
    )
