"""The `omni` CLI's channel commands: the registry's mappings, the inbox (list, replay with a progress
bar), and the outbound dead-letter queue (look, redrive with a progress bar). Each is one or more
operator calls to the running Omni's API (tools/omni_client.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

from tqdm import tqdm

from omni_client import OmniClient

REPLAY_CHUNK = 25  # what POST /v1/channels/<channel>/inbox/replay takes at once


def _answer(response) -> int:
    print(response.status_code, json.dumps(response.json(), indent=2))
    return 0 if response.ok else 1


def show_mappings(client: OmniClient, channel: str) -> int:
    return _answer(client.operator("GET", f"/v1/channels/{channel}/mappings"))


def map_sku(client: OmniClient, channel: str, channel_sku: str, sku: str, outbound: bool = True) -> int:
    return _answer(client.operator("PUT", f"/v1/channels/{channel}/mappings/skus/{channel_sku}", {"sku": sku, "outbound": outbound}))


def map_location(client: OmniClient, channel: str, channel_location: str, location_id: str) -> int:
    return _answer(client.operator("PUT", f"/v1/channels/{channel}/mappings/locations/{channel_location}", {"location_id": location_id}))


def unmap(client: OmniClient, channel: str, kind: str, name: str) -> int:
    return _answer(client.operator("DELETE", f"/v1/channels/{channel}/mappings/{kind}/{name}"))


def entries(client: OmniClient, channel: str, state: str) -> Iterator[dict]:
    """Every inbox entry of the channel in that state, page by page."""
    after = None
    while True:
        response = client.operator("GET", f"/v1/channels/{channel}/inbox", params={"state": state, "limit": 100, **({"after": after} if after else {})})
        response.raise_for_status()
        page = response.json()
        yield from page["entries"]
        if not (after := page["next"]):
            return


def list_inbox(client: OmniClient, channel: str, state: str) -> int:
    for entry in entries(client, channel, state):
        print(f"{entry['received_at']}  {entry.get('webhook_id') or '-':40}  {entry['state']:9}  {entry.get('topic') or ''}  {entry.get('reason') or ''}")
    return 0


def replay(client: OmniClient, channel: str, webhook_ids: list[str], state: str | None) -> int:
    """Replay these entries, or every entry in `state`, 25 per call, with a progress bar."""
    ids = webhook_ids or [entry["webhook_id"] for entry in entries(client, channel, state or "parked")]
    missing: list[str] = []
    with tqdm(total=len(ids), unit="entry", desc=f"replaying {channel}") as progress:
        for start in range(0, len(ids), REPLAY_CHUNK):
            response = client.operator("POST", f"/v1/channels/{channel}/inbox/replay", {"webhook_ids": ids[start : start + REPLAY_CHUNK]})
            if not response.ok:
                print(f"{response.status_code} {response.text}", file=sys.stderr)
                return 1
            missing += response.json()["missing"]
            progress.update(len(ids[start : start + REPLAY_CHUNK]))
    print(f"{len(ids) - len(missing)} replayed" + (f", not found: {', '.join(missing)}" if missing else ""))
    return 1 if missing else 0


def dead_letters(client: OmniClient) -> int:
    return _answer(client.operator("GET", "/v1/outbound/dead-letters"))


def redrive_outbound(client: OmniClient, limit: int = 10) -> int:
    """Send every dead-lettered outbound update back to its queue, `limit` per call, with a progress bar."""
    moved = 0
    with tqdm(unit="update", desc="redriving outbound updates") as progress:
        while True:
            response = client.operator("POST", "/v1/outbound/dead-letters/redrive", {"limit": limit})
            if not response.ok:
                print(f"{response.status_code} {response.text}", file=sys.stderr)
                return 1
            result = response.json()
            moved += result["moved"]
            progress.total = moved + result["remaining"]
            progress.update(result["moved"])
            if result["moved"] == 0 or result["remaining"] == 0:
                break
    print(f"{moved} updates sent back to the outbound queue, {result['remaining']} left")
    return 0
