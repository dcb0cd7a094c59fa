"""The committed OpenAPI document and a Swagger UI for it, served offline.

Powertools ships the Swagger UI bundle and CSS inside its package and generates the page; the page
links the two assets from /_local/swagger-ui/, which serves them from that package folder. The
document's `servers` is pointed at the local API so "Try it out" calls it.
"""

from __future__ import annotations

import json
from pathlib import Path

from aws_lambda_powertools.event_handler.openapi.swagger_ui import html as swagger_html

ASSET_BASE = "/_local/swagger-ui"
_ASSETS = {"swagger-ui-bundle.min.js": "application/javascript", "swagger-ui.min.css": "text/css"}


def openapi_document(repo_root: Path, api_url: str) -> dict | None:
    path = repo_root / "docs" / "openapi.json"
    if not path.exists():
        return None
    document = json.loads(path.read_text())
    document["servers"] = [{"url": api_url, "description": "local runtime"}]
    return document


def swagger_page(document: dict) -> str:
    return swagger_html.generate_swagger_html(
        json.dumps(document),
        f"{ASSET_BASE}/swagger-ui-bundle.min.js",
        f"{ASSET_BASE}/swagger-ui.min.css",
        ASSET_BASE,
        None,
        persist_authorization=True,
    )


def swagger_asset(name: str) -> tuple[bytes, str] | None:
    if name not in _ASSETS:
        return None
    return (Path(swagger_html.__file__).parent / name).read_bytes(), _ASSETS[name]
