"""Omni's local runtime: the whole system on one machine, wired only from the synthesized templates.

`python -m omni_local` runs it; `Runtime` runs it in-process (tests); `python -m omni_local.invoke`
sends a sample event to any function of a running runtime.
"""

from __future__ import annotations

__all__ = ["Runtime", "start_dynamodb_local", "sign_operator_request", "OPERATOR"]


def __getattr__(name: str):
    # Lazy: the worker processes import this package too and must stay light (a cold start).
    if name == "Runtime":
        from omni_local.runtime import Runtime

        return Runtime
    if name == "start_dynamodb_local":
        from omni_local.services import start_dynamodb_local

        return start_dynamodb_local
    if name in ("sign_operator_request", "OPERATOR"):
        from omni_local import sigv4

        return getattr(sigv4, name)
    raise AttributeError(name)
