"""The synthesized CDK app, read the way the local runtime reads it: tests create the very tables
the stack declares (keys, indexes, streams, TTL) instead of a copy that could drift."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def synthesize(outdir: Path) -> Path:
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    subprocess.run([sys.executable, str(ROOT / "infra" / "app.py")], cwd=ROOT, env=env, check=True, capture_output=True)
    return outdir


def table_props(cdk_out: Path, domain: str) -> dict:
    """The CloudFormation properties of a domain's table (tagged or named after the domain)."""
    for template in sorted(cdk_out.glob("*.template.json")):
        resources = json.loads(template.read_text()).get("Resources", {})
        for logical_id, resource in resources.items():
            if resource["Type"] == "AWS::DynamoDB::Table" and logical_id.lower().startswith(domain.lower()):
                return resource["Properties"]
    raise LookupError(f"no table for {domain} in {cdk_out}")


def create_domain_table(dynamodb_client, cdk_out: Path, domain: str, name: str) -> str:
    from omni_local.provision import create_table

    create_table(dynamodb_client, name, table_props(cdk_out, domain))
    return name
