"""`omni` — talk to a running local Omni (`make dev`).

  python tools/omni_cli.py import-stock FILE.csv   receipts or counts from a CSV, with a progress bar
  python tools/omni_cli.py call METHOD PATH [JSON] an operator call, signed with the local IAM credential
  python tools/omni_cli.py token SUB               a shopper token from the local issuer
  python tools/omni_cli.py webhook CHANNEL FILE.json [--id ID]
                                                   a channel webhook, signed now with the channel's secret

The CSV has a header: sku,location_id,quantity[,kind[,count_version]]; kind defaults to receipt. Each
row's source_event_id is derived from the file's content and the row number, so importing the same
file twice applies it once.

A webhook FILE is the body ({"type": "sale" | "receipt", "data": ...}) or a ChannelsApi sample from
events/samples (its body is sent). Each call is a new delivery; --id sends one with that id (again: a
replay, answered 409).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

from omni_client import OmniClient


def import_stock(client: OmniClient, path: Path, workers: int = 4) -> int:
    text = path.read_text()
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    rows = list(csv.DictReader(text.splitlines()))
    failures: list[str] = []

    def send(numbered):
        number, row = numbered
        body = {"source_event_id": f"import-{digest}-{number}", "sku": row["sku"], "location_id": row["location_id"], "kind": row.get("kind") or "receipt", "quantity": int(row["quantity"])}
        if row.get("count_version"):
            body["count_version"] = int(row["count_version"])
        response = client.operator("POST", "/v1/adjustments", body)
        if response.status_code >= 300:
            failures.append(f"row {number + 2}: {response.status_code} {response.json().get('detail', response.text)}")

    with ThreadPoolExecutor(workers) as pool:
        list(tqdm(pool.map(send, enumerate(rows)), total=len(rows), unit="row", desc=f"importing {path.name}"))
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"{len(rows) - len(failures)} of {len(rows)} rows applied")
    return 1 if failures else 0


def webhook_body(path: Path) -> bytes:
    document = json.loads(path.read_text())
    if isinstance(document, dict) and "httpMethod" in document:  # an API Gateway sample: send its body
        return (document.get("body") or "").encode()
    return json.dumps(document).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omni", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state", help="the runtime's state file (default .local/runtime.json)")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import-stock")
    importing.add_argument("file", type=Path)
    calling = commands.add_parser("call")
    calling.add_argument("method")
    calling.add_argument("path")
    calling.add_argument("body", nargs="?")
    token = commands.add_parser("token")
    token.add_argument("sub")
    webhook = commands.add_parser("webhook")
    webhook.add_argument("channel")
    webhook.add_argument("file", type=Path)
    webhook.add_argument("--id", dest="webhook_id", help="the delivery id (default: a new one)")
    args = parser.parse_args(argv)
    client = OmniClient.from_state_file(args.state)
    if args.command == "import-stock":
        return import_stock(client, args.file)
    if args.command == "call":
        response = client.operator(args.method.upper(), args.path, json.loads(args.body) if args.body else None)
        print(response.status_code, json.dumps(response.json(), indent=2))
        return 0 if response.ok else 1
    if args.command == "webhook":
        response = client.webhook(args.channel, webhook_body(args.file), args.webhook_id)
        print(response.status_code, json.dumps(response.json(), indent=2))
        return 0 if response.ok else 1
    print(client.shopper_token(args.sub))
    return 0


if __name__ == "__main__":
    sys.exit(main())
