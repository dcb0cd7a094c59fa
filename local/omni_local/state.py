"""The state file a running runtime writes, so that tools find its URLs, keys and credentials."""

from __future__ import annotations

import json
import os
from pathlib import Path

DEFAULT = Path(os.environ.get("OMNI_LOCAL_STATE", ".local/runtime.json"))


def read_state(path: str | Path | None = None) -> dict:
    path = Path(path or DEFAULT)
    if not path.exists():
        raise SystemExit(f"no running local runtime ({path} not found): start one with `python -m omni_local`")
    return json.loads(path.read_text())
