"""`omni` — talk to a running local Omni (`make dev`).

  python tools/omni_cli.py import-stock FILE.csv   receipts or counts from a CSV, with a progress bar
  python tools/omni_cli.py redrive [--limit N]     republish the stream batches the outboxes gave up on
  python tools/omni_cli.py call METHOD PATH [JSON] an operator call, signed with the local IAM credential
  python tools/omni_cli.py token SUB               a shopper token from the local issuer
  python tools/omni_cli.py webhook CHANNEL FILE.json [--id ID] [--format shopify --topic orders/create | marketplace]
                                                   a channel webhook, signed now as that format's sender signs
  python tools/omni_cli.py mappings CHANNEL         a channel's SKU and location mappings
  python tools/omni_cli.py map-sku CHANNEL CHANNEL_SKU SKU [--inbound-only]
  python tools/omni_cli.py map-location CHANNEL CHANNEL_LOCATION LOCATION   (`default`: deliveries naming none)
  python tools/omni_cli.py unmap CHANNEL skus|locations NAME
  python tools/omni_cli.py inbox CHANNEL [--state parked|received|processed|failed|refused]
  python tools/omni_cli.py replay CHANNEL [ID ...] [--state parked]   replay entries, with a progress bar
  python tools/omni_cli.py dead-letters             a look at the outbound updates that failed every try
  python tools/omni_cli.py redrive-outbound [--limit N]   send them back to the outbound queue
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

import omni_channels
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
    webhook.add_argument("--format", choices=("omni", "shopify", "marketplace"), default="omni", help="how the channel's server signs")
    webhook.add_argument("--topic", default="orders/create", help="X-Shopify-Topic (shopify only)")
    mappings = commands.add_parser("mappings")
    mappings.add_argument("channel")
    map_sku = commands.add_parser("map-sku")
    map_sku.add_argument("channel")
    map_sku.add_argument("channel_sku")
    map_sku.add_argument("sku")
    map_sku.add_argument("--inbound-only", action="store_true", help="an alias used inbound only (e.g. a Shopify inventory item id)")
    map_location = commands.add_parser("map-location")
    map_location.add_argument("channel")
    map_location.add_argument("channel_location")
    map_location.add_argument("location_id")
    unmap = commands.add_parser("unmap")
    unmap.add_argument("channel")
    unmap.add_argument("kind", choices=("skus", "locations"))
    unmap.add_argument("name")
    inbox = commands.add_parser("inbox")
    inbox.add_argument("channel")
    inbox.add_argument("--state", default="parked")
    replaying = commands.add_parser("replay")
    replaying.add_argument("channel")
    replaying.add_argument("webhook_ids", nargs="*")
    replaying.add_argument("--state", help="replay every entry in this state (default parked) when no id is given")
    commands.add_parser("dead-letters")
    redrive_outbound = commands.add_parser("redrive-outbound")
    redrive_outbound.add_argument("--limit", type=int, default=10, help="updates per call (1-100)")
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
        body = webhook_body(args.file)
        if args.format == "shopify":
            response = client.shopify_webhook(args.channel, args.topic, body, args.webhook_id)
        elif args.format == "marketplace":
            response = client.marketplace_webhook(args.channel, body, args.webhook_id)
        else:
            response = client.webhook(args.channel, body, args.webhook_id)
        print(response.status_code, json.dumps(response.json(), indent=2))
        return 0 if response.ok else 1
    channel_commands = {
        "mappings": lambda: omni_channels.show_mappings(client, args.channel),
        "map-sku": lambda: omni_channels.map_sku(client, args.channel, args.channel_sku, args.sku, not args.inbound_only),
        "map-location": lambda: omni_channels.map_location(client, args.channel, args.channel_location, args.location_id),
        "unmap": lambda: omni_channels.unmap(client, args.channel, args.kind, args.name),
        "inbox": lambda: omni_channels.list_inbox(client, args.channel, args.state),
        "replay": lambda: omni_channels.replay(client, args.channel, args.webhook_ids, args.state),
        "dead-letters": lambda: omni_channels.dead_letters(client),
        "redrive-outbound": lambda: omni_channels.redrive_outbound(client, args.limit),
    }
    if args.command in channel_commands:
        return channel_commands[args.command]()
    print(client.shopper_token(args.sub))
    return 0


if __name__ == "__main__":
    sys.exit(main())
