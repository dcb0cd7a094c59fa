"""What inventory reads of other domains' events that are not on main as models yet (decision 31's
contract): only the fields it uses."""

from __future__ import annotations

from kernel.model import Model


class OrderLineSold(Model):
    sku: str
    quantity: int
    location_id: str


class ChannelOrderReceived(Model):
    channel: str
    channel_order_id: str
    lines: list[OrderLineSold]


class ReturnedLine(Model):
    sku: str
    received: int
    damaged: int


class ReturnReceived(Model):
    return_id: str
    order_id: str
    location_id: str
    lines: list[ReturnedLine]
