"""Outbound sync state. Items:
OUTBOUND#<channel> / <topic>#<sku>   the newest figure and its version, the version sent last, whether
                                     a send is scheduled, and the lease of the sender sending it
RATE#<channel> / <epoch second>      updates sent to the channel in that second (kept 2 minutes)
"""

from __future__ import annotations

from kernel import table

LEASE_SECONDS = 60  # longer than a send (5 s timeout): a crashed sender's lease lapses, and the row is sent again


def key(channel: str, topic: str, sku: str) -> dict:
    return {"pk": f"OUTBOUND#{channel}", "sk": f"{topic}#{sku}"}


def offer(channel: str, topic: str, sku: str, version: int, figure: dict) -> dict | None:
    """Keep the figure if it is newer than the row's; the row as it is now (None: there is none)."""
    row = table.update_now(
        key(channel, topic, sku),
        "SET #type = :type, channel = :channel, topic = :topic, sku = :sku, figure = :figure, version = :version",
        condition="attribute_not_exists(version) OR version < :version",
        values={":type": "outbound", ":channel": channel, ":topic": topic, ":sku": sku, ":figure": table.stored(figure), ":version": version},
        names={"#type": "type"},
    )
    return row if row is not None else get(channel, topic, sku)


def get(channel: str, topic: str, sku: str) -> dict | None:
    return table.get(key(channel, topic, sku))


def mark_scheduled(row: dict) -> bool:
    return (
        table.update_now(key(row["channel"], row["topic"], row["sku"]), "SET scheduled = :yes", condition="attribute_exists(pk) AND attribute_not_exists(scheduled)", values={":yes": True}) is not None
    )


def unschedule(row: dict) -> None:
    """Nothing left to send for the version read: clear the flag, unless a newer figure came meanwhile."""
    table.update_now(key(row["channel"], row["topic"], row["sku"]), "REMOVE scheduled", condition="version = :version", values={":version": row["version"]})


def claim(channel: str, topic: str, sku: str, token: str, now: int) -> dict | None:
    """The row, leased to this sender, or None while another sender holds it."""
    return table.update_now(
        key(channel, topic, sku),
        "SET lease = :token, lease_until = :until",
        condition="attribute_exists(pk) AND (attribute_not_exists(lease_until) OR lease_until < :now)",
        values={":token": token, ":until": now + LEASE_SECONDS, ":now": now},
    )


def finish(row: dict, token: str) -> dict | None:
    """Record the row's version as sent and give the lease back; the row after (a newer figure may be there)."""
    return table.update_now(
        key(row["channel"], row["topic"], row["sku"]),
        "SET sent_version = :version REMOVE lease, lease_until, scheduled",
        condition="lease = :token",
        values={":version": row["version"], ":token": token},
    )


def release(row: dict, token: str, *, unschedule: bool) -> None:
    """Give the lease back after a failed send; `unschedule` on the last try (the message goes to the
    dead-letter queue), so that the next change schedules a send again."""
    expression = "REMOVE lease, lease_until" + (", scheduled" if unschedule else "")
    table.update_now(key(row["channel"], row["topic"], row["sku"]), expression, condition="lease = :token", values={":token": token})


def take_rate_slot(channel: str, second: int, limit: int) -> bool:
    """One of the channel's `limit` sends of this second; False when they are used up."""
    return (
        table.update_now(
            {"pk": f"RATE#{channel}", "sk": str(second)},
            "ADD sent :one SET #ttl = :ttl",
            condition="attribute_not_exists(sent) OR sent < :limit",
            values={":one": 1, ":limit": limit, ":ttl": second + 120},
            names={"#ttl": "ttl"},
        )
        is not None
    )
