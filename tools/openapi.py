"""Generate docs/openapi.json from the domain resolvers: `python tools/openapi.py [--check]`.

The document is the single description of the API: the CDK app builds API Gateway from it, and a
test fails when it differs from what the code declares.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "openapi.json"
DOMAINS_WITH_API = ("catalog", "inventory", "profiles", "channels", "ops", "payments")


def build() -> dict:
    sys.path.insert(0, str(ROOT / "functions"))
    document: dict = {}
    for domain in DOMAINS_WITH_API:
        app = importlib.import_module(f"{domain}.handlers.api").app
        schema = json.loads(app.get_openapi_json_schema(title="Omni API", version="1.0.0", description="Omnichannel commerce backbone: one stock picture, one order book, one customer."))
        if not document:
            document = schema
            continue
        for path, operations in schema["paths"].items():
            document["paths"].setdefault(path, {}).update(operations)
        for name, component in schema.get("components", {}).get("schemas", {}).items():
            existing = document["components"]["schemas"].setdefault(name, component)
            if existing != component:
                raise SystemExit(f"schema {name} differs between domains: rename one")
    document["paths"] = dict(sorted(document["paths"].items()))
    return document


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    text = render(build())
    if "--check" in sys.argv:
        sys.exit(0 if DOCUMENT.exists() and DOCUMENT.read_text() == text else "docs/openapi.json is stale: run make openapi")
    DOCUMENT.write_text(text)
    print(f"wrote {DOCUMENT.relative_to(ROOT)}")
