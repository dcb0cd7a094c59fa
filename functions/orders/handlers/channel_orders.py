"""Channels' orders → the order book: ChannelOrderReceived books an already-paid order (once per channel
order id), ChannelOrderCancelled cancels it. The channel's kind comes from the deployment's channel list,
never from the event. An unknown channel, or a cancellation after the goods left, is an error at the
channel that retrying will not fix: logged, counted and dropped (the event stays in the bus archive)."""

from __future__ import annotations

from channels.models.events import ChannelOrderCancelled, ChannelOrderReceived
from kernel import clock
from kernel.consumer import event_handler
from kernel.envelope import Envelope
from kernel.errors import NotFound
from kernel.observability import logger, metrics
from orders.logic import channel_orders
from orders.logic.lifecycle import InvalidTransition


def _received(event: Envelope) -> None:
    try:
        channel_orders.receive(event.unwrap(ChannelOrderReceived), at=clock.iso(event.time))
    except NotFound as refused:  # an unknown channel
        _dropped(refused)


def _cancelled(event: Envelope) -> None:
    cancelled = event.unwrap(ChannelOrderCancelled)
    try:
        channel_orders.cancel(cancelled.channel, cancelled.channel_order_id, at=cancelled.at)
    except InvalidTransition as refused:  # shipped or collected already (NotFound raises: it may still be on its way)
        _dropped(refused)


def _dropped(refused) -> None:
    logger.warning("channel order event refused: dropped", extra={"detail": refused.detail})
    metrics.add_metric(name="ChannelOrderEventsDropped", unit="Count", value=1)


handler = event_handler({"ChannelOrderReceived": _received, "ChannelOrderCancelled": _cancelled})
