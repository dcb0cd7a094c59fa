"""cdk-nag and cfn-lint gate the templates; configuration mistakes fail synth with a clear message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_sqs as sqs

from omni_infra import build_app, nag
from omni_infra.config import REPO_ROOT, ConfigError
from omni_infra.layer import LayerNotBuilt, dependencies_layer

CFN_LINT = "import sys; from cfnlint.runner import main; sys.exit(main())"


def test_cdk_nag_report_has_no_violation(synth):
    # Synth itself raises ValidationFailed on an unacknowledged finding; the report says why.
    report = json.loads((synth.outdir / "validation-report.json").read_text())
    violations = [v for plugin in report["pluginReports"] for v in plugin.get("violations", [])]
    assert violations == []


def test_cdk_nag_fails_synth_on_an_unacknowledged_finding(tmp_path):
    app = App(outdir=str(tmp_path))
    sqs.Queue(Stack(app, "Probe"), "PlainQueue")  # no TLS policy, not a DLQ
    nag.enable(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = (tmp_path / "validation-report.json").read_text()
    assert "AwsSolutions-SQS4" in report


def test_every_acknowledgement_has_a_reason():
    acks = [value for value in vars(nag).values() if isinstance(value, nag.Ack)]
    assert acks
    for ack in acks:
        assert ack.id.startswith("AwsSolutions-"), ack.id
        assert len(ack.reason) >= 60, ack.id


def test_cfn_lint_passes_on_both_stages(dev, prod):
    templates = sorted(str(p) for synth in (dev, prod) for p in synth.outdir.glob("*.template.json"))
    assert len(templates) == 8  # stateful, stateless, api and alarms, per stage
    result = subprocess.run(
        [sys.executable, "-c", CFN_LINT, "--config-file", str(REPO_ROOT / ".cfnlintrc"), *templates],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_layer_fails_with_make_layer_hint(tmp_path):
    with pytest.raises(LayerNotBuilt, match="make layer"):
        dependencies_layer(Stack(App(), "Probe"), "Layer", build_dir=tmp_path / "missing")


def test_unknown_stage_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="unknown stage"):
        build_app(context={"stage": "qa"}, outdir=str(tmp_path))


def test_cdk_json_runs_the_app_with_the_venv():
    cdk_json = json.loads((REPO_ROOT / "cdk.json").read_text())
    assert cdk_json["app"] == ".venv/bin/python infra/app.py"
    assert cdk_json["context"]["stage"] == "dev"
    assert [c["id"] for c in cdk_json["context"]["channels"]][:4] == ["web", "app", "pos", "marketplace"]  # the first four as they were
    assert Path(REPO_ROOT / "infra" / "app.py").is_file()
