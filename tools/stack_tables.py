"""The synthesized CDK app, read the way the local runtime reads it: tests create the very tables
the stack declares (keys, indexes, streams, TTL) instead of a copy that could drift."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_synthesis(outdir: Path) -> subprocess.Popen:
    """Synthesize the app into `outdir` in a subprocess, beside whatever the caller does meanwhile (its
    output goes to a file: a pipe nobody reads yet could fill and stall it)."""
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    output = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, str(ROOT / "infra" / "app.py")], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    process.output = output
    return process


def finish_synthesis(synthesis: subprocess.Popen, outdir: Path) -> Path:
    synthesis.wait()
    synthesis.output.seek(0)
    output = synthesis.output.read().decode(errors="replace")
    synthesis.output.close()
    if synthesis.returncode:
        raise subprocess.CalledProcessError(synthesis.returncode, synthesis.args, output)
    return outdir


def synthesize(outdir: Path) -> Path:
    return finish_synthesis(start_synthesis(outdir), outdir)


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
