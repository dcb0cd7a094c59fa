"""The order read model profiles keeps from order and payment events, and the loyalty ledger beside it.

An order's entries live in its partition, and its item keeps the running figures (earned, reversed,
redeemed, points) changed in the same transaction as each entry: points belong to orders, so a merge or
unmerge of profiles moves them with the orders, never copies them.
"""

from __future__ import annotations

from kernel import table
from kernel.table import Rejected
from profiles.dal import keys


def placed(order: dict) -> None:
    """Figures of a placed order; its status only when no status event came first."""
    names = {f"#{name}": name for name in order}
    expression = "SET " + ", ".join(f"#{name} = :{name}" for name in order) + ", #status = if_not_exists(#status, :placed), status_version = if_not_exists(status_version, :zero)"
    values = {f":{name}": table.stored(value) for name, value in order.items()} | {":placed": "placed", ":zero": 0}
    table.update_now(keys.order(order["order_id"]), expression, values=values, names=names | {"#status": "status"})


def status_changed(order_id: str, status: str, version: int, at: str) -> bool:
    """Keep the highest version: an older event arriving late changes nothing (False)."""
    return (
        table.update_now(
            keys.order(order_id),
            "SET #status = :status, status_version = :version, status_at = :at",
            "attribute_not_exists(status_version) OR status_version < :version",
            {":status": status, ":version": version, ":at": at},
            {"#status": "status"},
        )
        is not None
    )


def get(order_id: str) -> dict | None:
    return table.get(keys.order(order_id))


def many(order_ids: list[str]) -> list[dict]:
    return table.OWN.batch_get([keys.order(order_id) for order_id in order_ids]) if order_ids else []


def entries(order_id: str) -> list[dict]:
    return table.query(f"ORDER#{order_id}", keys.ENTRY_PREFIX)


def append(
    entry: dict,
    deltas: dict[str, int],
    *,
    sets: dict | None = None,
    order_guard: tuple[str, dict] | None = None,
    graph_guard: tuple[str, int] | None = None,
    spend_guard: tuple[str, int, int] | None = None,
    redemption: tuple[str, dict] | None = None,
) -> str | None:
    """Append one entry and move the order's figures with it, atomically. None when written; else what
    refused it: "entry" (a replay: it is there), "order" (figures moved), "graph" or "redemption"."""
    order_id = entry["order_id"]
    names = {f"#{name}": name for name in [*deltas, *(sets or {})]}
    adds = ", ".join(f"#{name} :{name}" for name in deltas)
    expression = f"ADD {adds}" + (" SET " + ", ".join(f"#{name} = :{name}" for name in sets) if sets else "")
    values = {f":{name}": value for name, value in {**deltas, **(sets or {})}.items()}
    condition = None
    if order_guard:
        condition, guard_values = order_guard
        values |= guard_values
    operations = [
        table.put({**keys.entry(order_id, entry["entry_id"]), **table.stored(entry)}, "attribute_not_exists(sk)"),
        table.update(keys.order(order_id), expression, condition, values, names),
    ]
    refusals = ["entry", "order"]
    if graph_guard:
        gid, version = graph_guard
        operations.append(table.check(keys.graph(gid), "version = :v", {":v": version}))
        refusals.append("graph")
    if spend_guard:  # spending serializes on the graph: two redemptions cannot both spend one balance
        gid, version, seq = spend_guard
        condition = "version = :v AND " + ("ledger_seq = :seq" if seq else "attribute_not_exists(ledger_seq)")
        operations.append(table.update(keys.graph(gid), "SET ledger_seq = :next", condition, {":v": version, ":next": seq + 1} | ({":seq": seq} if seq else {})))
        refusals.append("graph")
    if redemption:
        digest, guard = redemption
        operations.append(table.put({**keys.redemption(digest), **guard}, "attribute_not_exists(pk)"))
        refusals.append("redemption")
    try:
        table.transact(operations)
        return None
    except Rejected as rejected:
        failed = rejected.failed()
        return refusals[failed[0]] if failed else "graph"


def redemption(digest: str) -> dict | None:
    return table.get(keys.redemption(digest))
