"""Recomputes the availability of one chunk of a location's SKUs (the LocationRecompute queue)."""

from inventory.logic import projection
from kernel.queues import queue_handler

handler = queue_handler(lambda body: projection.recompute_skus(body["skus"]))
