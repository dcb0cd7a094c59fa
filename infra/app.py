#!/usr/bin/env python3
"""Omni CDK app. `npx cdk synth` runs it; so can `python infra/app.py` (set CDK_OUTDIR for the output).

Stage: `-c stage=prod` (default from cdk.json: dev).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from omni_infra.api import OpenApiError  # noqa: E402
from omni_infra.build import build_app  # noqa: E402
from omni_infra.config import ConfigError  # noqa: E402
from omni_infra.layer import LayerNotBuilt  # noqa: E402

try:
    omni = build_app()
except (LayerNotBuilt, ConfigError, OpenApiError) as error:
    sys.exit(f"error: {error}")
omni.app.synth()
