"""Omni's CDK app: `build_app()` assembles its stacks; infra/app.py synthesizes them."""

from omni_infra.build import OmniApp, build_app

__all__ = ["OmniApp", "build_app"]
