"""Sourcing: where each line of an order comes from, as a pure filter-then-rank pipeline.

Filter (each refusal is a verdict): the location serves the channel and is open, has the capability the
delivery needs (pickup: the chosen store and `pickup`; shipping: a warehouse's `ship` or a store's
`ship_from_store`), has capacity left today, and has stock of a line. Rank: for pickup, the chosen store
only; for shipping, fewest shipments first (greedy: the location that ships the most remaining lines,
whole), then the nearest to the address (great-circle distance from the address's coordinates to the
location's; without coordinates distance does not count), then the configured priority, then the id.
At most `max_shipments` locations. A line is never split between locations. The verdicts and one
sentence per location are stored on the order (`Sourcing`), so the API can say why.

The fulfil side re-sources with the same function (orders.logic.resourcing): `source` again with the
lines still to place, `exclude` naming the locations that refused them; a pickup names no store, so any
pickup store may take it, the nearest to the one that refused first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from kernel.errors import InsufficientStock
from orders.models.order import Delivery, DeliveryMode
from orders.models.sourcing import Allocation, Sourcing, Verdict


@dataclass(frozen=True)
class Want:
    line: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class Candidate:
    location_id: str
    kind: str  # store | warehouse | dark_store
    capabilities: frozenset[str]
    serves: bool  # open and serving the channel
    open: bool = True
    coordinates: tuple[float, float] | None = None
    capacity_left: int | None = None  # orders it can still take today (None: not limited)
    available: dict[str, int] = field(default_factory=dict)  # sku -> units a reservation can take
    priority: int = 0


@dataclass(frozen=True)
class Plan:
    sourcing: Sourcing
    delivery: Delivery
    shipments: dict[str, list[str]]  # location -> its lines, in the order chosen


def candidate_of(stock, site: str, channel_id: str, skus: list[str], used: int = 0, priority: int = 0, *, limited: bool = True) -> Candidate:
    """A location as sourcing sees it, from inventory's `for_orders.Stock` as read (`used`: orders it took today;
    `limited` False: the order took its place there already, capacity does not count)."""
    location = stock.location(site)
    return Candidate(
        location_id=site,
        kind=location.kind.value,
        capabilities=frozenset(capability.value for capability in location.capabilities),
        serves=stock.serves(site, channel_id),
        open=location.open,
        coordinates=(location.coordinates.lat, location.coordinates.lon) if location.coordinates else None,
        capacity_left=location.daily_capacity - used if location.daily_capacity and limited else None,
        available={sku: stock.available(sku, site) for sku in skus},
        priority=priority,
    )


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, Earth radius 6371 km)."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, point)) for point in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def ships(kind: str, capabilities) -> bool:
    """A store ships with `ship_from_store`; a warehouse or dark store with `ship`."""
    return ("ship_from_store" if kind == "store" else "ship") in capabilities


def _refusal(candidate: Candidate, wants: list[Want], mode: DeliveryMode, channel: str) -> str | None:
    if not candidate.open:
        return "closed"
    if not candidate.serves:
        return f"does not serve {channel}"
    if mode is DeliveryMode.pickup and "pickup" not in candidate.capabilities:
        return "does not offer pickup"
    if mode is DeliveryMode.ship and not ships(candidate.kind, candidate.capabilities):
        return "does not ship"
    if candidate.capacity_left is not None and candidate.capacity_left <= 0:
        return "no capacity left today"
    if not any(candidate.available.get(want.sku, 0) >= want.quantity for want in wants):
        return "no stock"
    return None


def _units(wants: list[Want], lines: list[str]) -> int:
    return sum(want.quantity for want in wants if want.line in lines)


def source(
    wants: list[Want],
    candidates: list[Candidate],
    *,
    channel: str,
    mode: DeliveryMode,
    pickup_location_id: str | None = None,
    destination: tuple[float, float] | None = None,
    max_shipments: int = 2,
    exclude: frozenset[str] = frozenset(),
    kept: int = 0,
    joinable: frozenset[str] = frozenset(),
) -> Plan:
    """The plan for `wants`, or InsufficientStock naming the lines no eligible location can take.
    Re-sourcing an order: `kept` shipments of it stay and count against `max_shipments`; lines may join its
    `joinable` ones (a shipment it has already, so no new one: preferred, fewest shipments first)."""
    total = sum(want.quantity for want in wants)
    verdicts: dict[str, Verdict] = {}
    eligible: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.location_id):
        if candidate.location_id in exclude:
            verdicts[candidate.location_id] = Verdict(location_id=candidate.location_id, chosen=False, reason="refused these lines before")
        elif mode is DeliveryMode.pickup and pickup_location_id and candidate.location_id != pickup_location_id:
            continue  # pickup looks at the chosen store only (re-sourcing a pickup names none: any pickup store)
        elif (reason := _refusal(candidate, wants, mode, channel)) is not None:
            verdicts[candidate.location_id] = Verdict(location_id=candidate.location_id, chosen=False, reason=f"skipped, {reason}")
        else:
            eligible.append(candidate)

    def km(candidate: Candidate) -> float | None:
        return distance_km(destination, candidate.coordinates) if destination and candidate.coordinates else None

    shipments: dict[str, list[str]] = {}
    remaining = list(wants)
    while remaining and len(shipments) < (1 if mode is DeliveryMode.pickup else max_shipments):
        counted = kept + sum(1 for location_id in shipments if location_id not in joinable)
        options = [c for c in eligible if c.location_id not in shipments and (c.location_id in joinable or counted < max_shipments)]
        scored = []
        for candidate in options:
            lines = [want.line for want in remaining if candidate.available.get(want.sku, 0) >= want.quantity]
            if lines:
                distance = km(candidate)
                rank = (candidate.location_id not in joinable, -_units(remaining, lines), math.inf if distance is None else distance, -candidate.priority, candidate.location_id)
                scored.append((rank, candidate, lines))
        if not scored:
            break
        _, best, lines = min(scored, key=lambda option: option[0])
        shipments[best.location_id] = lines
        remaining = [want for want in remaining if want.line not in lines]
    if remaining:
        short = [{"line": want.line, "sku": want.sku, "requested": want.quantity, "available": max((c.available.get(want.sku, 0) for c in eligible), default=0)} for want in remaining]
        raise InsufficientStock("no location can take: " + ", ".join(f"{want.sku} x{want.quantity}" for want in remaining), lines=short, field="lines")

    by_location = {candidate.location_id: candidate for candidate in eligible}
    for location_id, lines in shipments.items():
        distance = km(by_location[location_id])
        where = f" ({distance:.0f} km)" if distance is not None else ""
        what = "chosen pickup store" if mode is DeliveryMode.pickup else "chosen"
        verdicts[location_id] = Verdict(location_id=location_id, chosen=True, reason=f"{what}, {_units(wants, lines)} of {total} units{where}")
    for candidate in eligible:
        if candidate.location_id not in shipments:
            distance = km(candidate)
            verdicts[candidate.location_id] = Verdict(location_id=candidate.location_id, chosen=False, reason="skipped, " + (f"{distance:.0f} km" if distance is not None else "not needed"))

    allocations = [Allocation(line=want.line, sku=want.sku, location_id=location_id, quantity=want.quantity) for location_id, lines in shipments.items() for want in wants if want.line in lines]
    ordered = [verdicts[location_id] for location_id in shipments] + [verdict for location_id, verdict in sorted(verdicts.items()) if location_id not in shipments]
    sourcing = Sourcing(allocations=allocations, verdicts=ordered, explanation=[f"{verdict.location_id}: {verdict.reason}" for verdict in ordered])
    return Plan(sourcing=sourcing, delivery=_delivery(mode, shipments, by_location), shipments=shipments)


def _delivery(mode: DeliveryMode, shipments: dict[str, list[str]], by_location: dict[str, Candidate]) -> Delivery:
    if mode is DeliveryMode.pickup:
        return Delivery.pickup
    if len(shipments) > 1:
        return Delivery.split
    (location_id,) = shipments
    return Delivery.ship if by_location[location_id].kind == "warehouse" else Delivery.ship_from_store
