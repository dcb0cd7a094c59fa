"""`omni` — talk to a running local Omni (`make dev`).

  python tools/omni_cli.py import-stock FILE.csv   receipts or counts from a CSV, with a progress bar
  python tools/omni_cli.py redrive [--limit N]     republish the stream batches the outboxes gave up on
  python tools/omni_cli.py call METHOD PATH [JSON] an operator call, signed with the local IAM credential
  python tools/omni_cli.py token SUB               a shopper token from the local issuer
  python tools/omni_cli.py webhook CHANNEL FILE.json [--id ID]
                                                   a channel webhook, signed now with the channel's secret
  python tools/omni_cli.py reconcile [--date YYYY-MM-DD]
                                                   the day's payment mismatches (provider events, ledger, orders)

The CSV has a header: sku,location_id,quantity[,kind[,count_version[,id]]]; kind defaults to receipt.
Each row's source_event_id comes from the row itself: its `id` column when there is one (a receipt or
count number), else the file's name and the row's line. Importing a file again applies only the rows
that were not applied before: fix a bad row in place and import again, and the other rows are not
applied twice. (Without an id column, keep the lines where they are: deleting a line renumbers the
ones after it.)

`redrive` calls POST /v1/ops/redrive until no parked batch is left (or one cannot be republished):
the events keep their ids, so running it again, or after a partial run, publishes nothing twice.

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
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from omni_client import OmniClient


def row_ids(file_name: str, rows: list[dict]) -> list[str]:
    """Each row's idempotency key, from the row alone: its `id` column, else the file's name and the
    row's line, never the rest of the file's content (fixing one row must not renumber the others)."""
    ids = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        key = row.get("id") or hashlib.sha256(f"{file_name}|{line}".encode()).hexdigest()[:24]
        ids.append(f"import-{key}")
    return ids


def import_stock(client: OmniClient, path: Path, workers: int = 4) -> int:
    rows = list(csv.DictReader(path.read_text().splitlines()))
    ids = row_ids(path.name, rows)
    failures: list[str] = []

    def send(numbered):
        number, row = numbered
        body = {"source_event_id": ids[number], "sku": row["sku"], "location_id": row["location_id"], "kind": row.get("kind") or "receipt", "quantity": int(row["quantity"])}
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


def redrive(client: OmniClient, limit: int = 10) -> int:
    """Republish every parked batch, `limit` per call; 1 if one could not be."""
    done = records = 0
    with tqdm(unit="batch", desc="redriving parked outbox batches") as progress:
        while True:
            response = client.operator("POST", "/v1/ops/redrive", {"limit": limit})
            if not response.ok:
                print(f"{response.status_code} {response.text}", file=sys.stderr)
                return 1
            result = response.json()
            done, records = done + result["redriven"], records + result["records"]
            progress.total = done + result["remaining"]
            progress.update(result["redriven"])
            if result["failed"] or result["remaining"] == 0:
                break
    for failure in result["failed"]:
        print(f"{failure['key']}: {failure['reason']}", file=sys.stderr)
    print(f"{done} batches ({records} stream records) republished, {result['remaining']} still parked")
    return 1 if result["failed"] else 0


def reconcile(client: OmniClient, day: str) -> int:
    """Print the day's reconciliation, one mismatch a line; 1 when there is any (for a cron's alert)."""
    response = client.operator("GET", "/v1/payments/reconciliation", params={"date": day})
    if not response.ok:
        print(f"{response.status_code} {response.text}", file=sys.stderr)
        return 2
    report = response.json()
    print(f"{report['date']}: {report['provider_events']} provider events, {report['ledger_entries']} ledger entries, {report['orders_checked']} orders checked")
    for mismatch in report["mismatches"]:
        print(f"  {mismatch['kind']:24} order {mismatch['order_id'] or '-':28} {mismatch['provider_reference'] or '-':30} {mismatch['detail']}")
    print(f"{len(report['mismatches'])} mismatches")
    return 1 if report["mismatches"] else 0


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
    redriving = commands.add_parser("redrive")
    redriving.add_argument("--limit", type=int, default=10, help="parked batches per call (1-25)")
    token = commands.add_parser("token")
    token.add_argument("sub")
    webhook = commands.add_parser("webhook")
    webhook.add_argument("channel")
    webhook.add_argument("file", type=Path)
    webhook.add_argument("--id", dest="webhook_id", help="the delivery id (default: a new one)")
    reconciling = commands.add_parser("reconcile")
    reconciling.add_argument("--date", default=datetime.now(UTC).date().isoformat(), help="the day (UTC), default today")
    args = parser.parse_args(argv)
    client = OmniClient.from_state_file(args.state)
    if args.command == "import-stock":
        return import_stock(client, args.file)
    if args.command == "redrive":
        return redrive(client, args.limit)
    if args.command == "reconcile":
        return reconcile(client, args.date)
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
