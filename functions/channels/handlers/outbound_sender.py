"""The outbound work queue → each scheduled (channel, topic, SKU) sent as a signed webhook to the
channel's subscription URL, once per version, within the channel's rate limit; a failure is tried again
with backoff and, after the fifth try, left in the dead-letter queue for an operator to redrive."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

from channels.dal import outbound as rows
from channels.dal import registry, secrets
from channels.logic import outbound, signatures
from kernel import clock, queues
from kernel.observability import logger, metrics

SENDER = "OutboundSender"
TIMEOUT_SECONDS = 5


class SendFailed(Exception):
    pass


def _post(url: str, secret: str, webhook_id: str, body: bytes, signed_at: int) -> None:
    headers = {"Content-Type": "application/json", "User-Agent": "omni-outbound/1", **signatures.signed_headers(secret, webhook_id, signed_at, body)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 - the operator's subscription URL (http or https)
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:
        raise SendFailed(f"could not reach {url}: {error}") from None
    if not 200 <= status < 300:
        raise SendFailed(f"{url} answered {status}")


def send(body: dict, attempt: int) -> None:
    channel, topic, sku = body["channel"], body["topic"], body["sku"]
    row = rows.get(channel, topic, sku)
    subscription = registry.subscription(channel)
    if not outbound.needs_sending(row) or subscription is None or topic not in subscription["events"]:
        if row is not None:
            rows.unschedule(row)
        return
    now = int(clock.now().timestamp())
    if not rows.take_rate_slot(channel, now, int(subscription["rate_per_second"])):
        queues.send_one(SENDER, body, delay_seconds=1)  # over the channel's rate: the next second (not a failed try)
        metrics.add_metric(name="OutboundRateLimited", unit="Count", value=1)
        return
    token = uuid.uuid4().hex
    row = rows.claim(channel, topic, sku, token, now)
    if row is None:
        return  # another sender holds it; it looks at the version again when it finishes
    secret = secrets.webhook_secret(channel) or ""
    payload = json.dumps(outbound.payload(channel, row, registry.channel_sku_of(channel, sku)), separators=(",", ":")).encode()
    try:
        _post(subscription["url"], secret, outbound.delivery_id(topic, sku, int(row["version"])), payload, signed_at=now)  # the rate slot's second
    except SendFailed as failed:
        last = attempt >= outbound.MAX_ATTEMPTS
        rows.release(row, token, unschedule=last)
        logger.warning("outbound update failed", extra={"channel": channel, "topic": topic, "sku": sku, "attempt": attempt, "error": str(failed)})
        metrics.add_metric(name="OutboundFailed", unit="Count", value=1)
        raise queues.RetryLater(0 if last else outbound.backoff_seconds(attempt), str(failed)) from None  # the last: to the DLQ now
    metrics.add_metric(name="OutboundSent", unit="Count", value=1)
    after = rows.finish(row, token)
    if outbound.needs_scheduling(after):  # a newer figure arrived while this one was on its way
        queues.send_one(SENDER, body, delay_seconds=int(subscription.get("coalesce_seconds", 1)))
        rows.mark_scheduled(after)


handler = queues.queue_handler(send, with_attempt=True)
