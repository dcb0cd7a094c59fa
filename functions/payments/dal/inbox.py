"""The provider event inbox: every verified webhook, stored raw before anything else happens. Items:
  INBOX#<provider> / <provider event id>   the raw body, its type, when it arrived; `applied_at` once processed
  REF#<provider>#<provider reference> / REF  which order a provider reference belongs to (for events that
                                             do not carry Omni's metadata, e.g. disputes)
The insert's `attribute_not_exists` condition deduplicates on (provider, provider event id): a
redelivery is neither stored nor processed twice. The payments table's stream feeds each insert to
`PaymentsWebhookProcessor`.
"""

from __future__ import annotations

from kernel import table
from kernel.context import correlation_id

RETENTION_SECONDS = 90 * 86_400  # past Stripe's 30 days of retries and a quarter's reconciliation


def record(provider: str, event_id: str, event_type: str, payload: str, received_at: str, epoch: int) -> bool:
    item = {
        "pk": f"INBOX#{provider}",
        "sk": event_id,
        "type": "provider_event",
        "provider": provider,
        "event_id": event_id,
        "event_type": event_type,
        "payload": payload,
        "received_at": received_at,
        "ttl": epoch + RETENTION_SECONDS,
        "correlation_id": correlation_id(),
        "gsi2pk": f"DAY#{received_at[:10]}",
        "gsi2sk": f"EVENT#{received_at}#{event_id}",
    }
    return table.put_now(item)


def mark_applied(provider: str, event_id: str, outcome: str, at: str) -> None:
    table.update_now({"pk": f"INBOX#{provider}", "sk": event_id}, "SET applied_at = :at, outcome = :outcome", values={":at": at, ":outcome": outcome})


def remember_reference(provider: str, reference: str, order_id: str) -> None:
    table.put_now({"pk": f"REF#{provider}#{reference}", "sk": "REF", "type": "reference", "order_id": order_id})


def order_of(provider: str, reference: str) -> str | None:
    found = table.get({"pk": f"REF#{provider}#{reference}", "sk": "REF"})
    return found["order_id"] if found else None
