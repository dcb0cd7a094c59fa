"""How many stock rows (shards) each SKU has per location, cached briefly per container: a reservation
needs the count to pick a shard, and reading it every time would double the calls of the hot path.
A stale count is safe: shard 0 records the count when a SKU is split, and a reader that meets it there
learns the new figure."""

from __future__ import annotations

import time

from inventory.dal import skus
from kernel.errors import NotFound

TTL_SECONDS = 30.0
_counts: dict[str, tuple[int, float]] = {}  # sku -> (shards, valid until)


def shard_counts(codes: list[str]) -> dict[str, int]:
    """The shard count of each SKU; NotFound for SKUs inventory does not know."""
    moment = time.monotonic()
    stale = [code for code in set(codes) if _counts.get(code, (0, 0.0))[1] < moment]
    if stale:
        for code, config in skus.configs(stale).items():
            _counts[code] = (int(config.get("shards", 1)), moment + TTL_SECONDS)
    unknown = sorted(code for code in set(codes) if code not in _counts)
    if unknown:
        raise NotFound(f"unknown sku: {', '.join(unknown)}", field="sku", skus=unknown)
    return {code: _counts[code][0] for code in codes}


def known(sku: str) -> int:
    """The cached shard count of a SKU without reading (1 when not cached): what a caller that reads
    the rows itself asks for; the SKU's config, read beside them, corrects it (`learn`)."""
    return _counts.get(sku, (1, 0.0))[0]


def learn(sku: str, shards: int) -> None:
    _counts[sku] = (shards, time.monotonic() + TTL_SECONDS)


def forget_all() -> None:
    _counts.clear()
