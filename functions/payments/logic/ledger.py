"""The payment of one order, derived from its append-only transaction log. Pure: no I/O.

Every transition (authorize, capture, void, refund, dispute, fail, cancel, expire) is one entry keyed by
(provider, provider reference, transition[, suffix]): a repeat of the same key with the same amount is a
no-op, with another amount it is refused and raises an alert. Amounts are integer minor units in the
order's currency. Nothing about the payment is stored beside the log: what is authorized, captured,
refundable, how much is due and whether the order is covered are all sums over the entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

KINDS = ("authorize", "capture", "void", "refund", "dispute", "dispute_won", "dispute_lost", "fail", "cancel", "expire")
DISPUTE_CLOSES = ("dispute_won", "dispute_lost")  # a dispute's money comes back (won) or goes to the shopper (lost)
CLOSED_STATUSES = ("cancelled", "closed")


@dataclass(frozen=True)
class Transition:
    """What a provider, the POS or Omni says happened to one tender."""

    kind: str
    provider: str  # stripe | pos | gift_card | omni
    reference: str  # the provider's reference: a PaymentIntent id, "<channel>:<till reference>", a card id
    tender: str  # card | wallet | cash | card_present | gift_card | store_credit
    amount: int | None = None  # None: cancel, fail, expire (and a void of whatever is still open)
    currency: str | None = None
    suffix: str = ""  # a refund's or a dispute's own id, when one reference has several
    details: dict = field(default_factory=dict)  # tendered and change, till or terminal reference, refund_id…

    @property
    def key(self) -> str:
        return "#".join(part for part in (self.provider, self.reference, self.kind, self.suffix) if part)


@dataclass(frozen=True)
class Entry:
    transition: Transition
    n: int  # its place in the log
    at: str
    announce: bool = False  # fail, cancel, expire: raise PaymentFailed
    authorized_total: int = 0  # the order's totals once this entry is in
    captured_total: int = 0


@dataclass(frozen=True)
class Order:
    """Payments' own copy of an order, from OrderPlaced and OrderStatusChanged."""

    order_id: str
    channel: str
    currency: str
    grand_total: int
    payment: str  # online | in_store | prepaid
    customer_id: str | None = None
    pay_by: str | None = None
    status: str = "placed"
    status_version: int = 0
    version: int = 0  # bumped by every write to the log or the order: the log's optimistic lock
    placed_at: str | None = None


@dataclass(frozen=True)
class RefundStep:
    tender: str
    provider: str
    reference: str
    amount: int


@dataclass(frozen=True)
class RefundPlan:
    refund_id: str
    amount: int
    currency: str
    reason: str
    steps: tuple[RefundStep, ...]
    issued: bool = False


@dataclass(frozen=True)
class Snapshot:
    order: Order
    entries: tuple[Entry, ...] = ()
    paid: bool = False
    intents: dict[str, int] = field(default_factory=dict)  # PaymentIntent id -> the amount Omni asked for
    refunds: tuple[RefundPlan, ...] = ()


@dataclass
class Tally:
    """One tender reference's sums."""

    tender: str
    provider: str
    reference: str
    first: int
    authorized: int = 0
    captured: int = 0
    voided: int = 0
    refunded: int = 0
    disputed: int = 0  # every dispute opened
    dispute_won: int = 0
    dispute_lost: int = 0
    failed: bool = False
    cancelled: bool = False

    @property
    def held(self) -> int:
        """What this tender covers: authorized (or received) and not released."""
        return self.authorized - self.voided

    @property
    def capturable(self) -> int:
        return self.authorized - self.captured - self.voided

    @property
    def disputed_open(self) -> int:
        return self.disputed - self.dispute_won - self.dispute_lost

    @property
    def refundable(self) -> int:
        """Captured money still Omni's to give back: not refunded, not held by an open dispute, not charged back."""
        return self.captured - self.refunded - self.disputed_open - self.dispute_lost


# Which of a tally's sums each kind of transition adds its amount to, and which flags it raises.
_SUMS = {"authorize": "authorized", "capture": "captured", "void": "voided", "refund": "refunded", "dispute": "disputed", "dispute_won": "dispute_won", "dispute_lost": "dispute_lost"}
_FLAGS = {"fail": "failed", "cancel": "cancelled"}


def tallies(entries: Iterable[Entry]) -> dict[tuple[str, str], Tally]:
    found: dict[tuple[str, str], Tally] = {}
    for entry in sorted(entries, key=lambda e: e.n):
        t = entry.transition
        tally = found.setdefault((t.provider, t.reference), Tally(t.tender, t.provider, t.reference, entry.n))
        if t.kind in _SUMS:
            setattr(tally, _SUMS[t.kind], getattr(tally, _SUMS[t.kind]) + (t.amount or 0))
        elif t.kind in _FLAGS:
            setattr(tally, _FLAGS[t.kind], True)
    return found


@dataclass(frozen=True)
class Totals:
    authorized: int
    captured: int
    voided: int
    refunded: int
    disputed: int  # held by disputes still open
    charged_back: int  # lost to disputes
    covered: int
    balance_due: int
    tenders: tuple[str, ...]  # tenders that cover money, in the order they were first used


def totals(order: Order, entries: Iterable[Entry]) -> Totals:
    found = sorted(tallies(entries).values(), key=lambda tally: tally.first)
    covered = sum(tally.held for tally in found)
    tenders = tuple(dict.fromkeys(tally.tender for tally in found if tally.held > 0))
    return Totals(
        authorized=sum(t.authorized for t in found),
        captured=sum(t.captured for t in found),
        voided=sum(t.voided for t in found),
        refunded=sum(t.refunded for t in found),
        disputed=sum(t.disputed_open for t in found),
        charged_back=sum(t.dispute_lost for t in found),
        covered=covered,
        balance_due=max(0, order.grand_total - covered),
        tenders=tenders,
    )


def methods(entries: Iterable[Entry]) -> list[str]:
    """How the shopper paid each tender that covers money, in the order first used (the Stripe payment
    method's type or wallet; the tender itself for tills and cards of Omni's ledger)."""
    found = tallies(entries)
    named: dict[tuple[str, str], str] = {}
    for entry in sorted(entries, key=lambda e: e.n):
        t = entry.transition
        if t.kind in ("authorize", "capture"):
            named.setdefault((t.provider, t.reference), t.details.get("method") or t.tender)
    return [named.get(key, tally.tender) for key, tally in sorted(found.items(), key=lambda item: item[1].first) if tally.held > 0]


def expired(entries: Iterable[Entry]) -> bool:
    return any(entry.transition.kind == "expire" for entry in entries)


def state(snapshot: Snapshot) -> str:
    """One word for the payment, derived from the log."""
    found = totals(snapshot.order, snapshot.entries)
    if found.disputed:
        return "disputed"
    if found.charged_back:
        return "charged_back"
    if found.refunded and found.refunded >= found.captured:
        return "refunded"
    if found.refunded:
        return "partially_refunded"
    if found.captured and found.captured >= found.covered:
        return "captured"
    if found.captured:
        return "partially_captured"
    if found.covered >= snapshot.order.grand_total and found.covered:
        return "authorized"
    if expired(snapshot.entries):
        return "expired"
    if found.voided:
        return "voided"
    if found.covered:
        return "partially_authorized"
    if any(entry.transition.kind in ("fail", "cancel") for entry in snapshot.entries):
        return "failed"
    return "pending"


# --- planning a change -----------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    kind: str  # amount_mismatch, currency_mismatch, over_capture, refund_exceeds_captured, amount_above_balance_due
    provider: str
    reference: str
    detail: str
    notify: bool = True  # raise PaymentAlert (a caller's own limit, such as the balance due, does not)


@dataclass
class Plan:
    entries: list[Entry] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    paid: bool = False  # this change covers the order first: OrderPaid
    clear_deadline: bool = False  # the payment deadline no longer applies (paid, expired)

    @property
    def refused(self) -> bool:
        return bool(self.alerts)


def plan(snapshot: Snapshot, transitions: Iterable[Transition], now: str, within_due: bool = False) -> Plan:
    """The entries a batch of transitions adds to the log: all of them, or none when one is refused.
    `within_due`: a new authorization may not cover more than the balance due (tills, gift cards: money
    Omni takes itself must not overpay an order, even when two tills race)."""
    order = snapshot.order
    entries = list(snapshot.entries)
    known = {entry.transition.key: entry for entry in entries}
    result = Plan()
    n = max((entry.n for entry in entries), default=0)
    for transition in transitions:
        refusal = _refusal(snapshot, known, transition)
        if refusal is not None:
            return Plan(alerts=[refusal])
        if transition.key in known:
            continue  # applied before: same key, same amount
        tally = tallies(entries).get((transition.provider, transition.reference))
        transition = _resolved(transition, tally)
        if transition is None:
            continue
        if transition.key in known:
            continue
        refusal = _over_limit(transition, tally)
        if refusal is not None:
            return Plan(alerts=[refusal])
        now_totals = totals(order, entries)
        if within_due and transition.kind == "authorize" and (transition.amount or 0) > now_totals.balance_due:
            detail = f"{transition.amount} is more than the balance due, {now_totals.balance_due}"
            return Plan(alerts=[Alert("amount_above_balance_due", transition.provider, transition.reference, detail, notify=False)])
        if transition.kind == "expire" and (snapshot.paid or result.paid or now_totals.covered >= order.grand_total):
            result.clear_deadline = True
            continue
        n += 1
        after = totals(order, [*entries, Entry(transition, n, now)])
        announce = transition.kind in ("fail", "cancel", "expire") and not (snapshot.paid or result.paid or superseded(transition)) and after.covered < order.grand_total
        entry = Entry(transition, n, now, announce=announce, authorized_total=after.authorized, captured_total=after.captured)
        entries.append(entry)
        known[transition.key] = entry
        result.entries.append(entry)
        if transition.kind == "expire":
            result.clear_deadline = True
    final = totals(order, entries)
    if not snapshot.paid and final.covered >= order.grand_total > 0 and not expired(entries) and order.status not in CLOSED_STATUSES:
        result.paid = True
        result.clear_deadline = True
    return result


def _refusal(snapshot: Snapshot, known: dict[str, Entry], transition: Transition) -> Alert | None:
    order = snapshot.order
    if transition.currency is not None and transition.currency.upper() != order.currency:
        return Alert("currency_mismatch", transition.provider, transition.reference, f"{transition.kind} in {transition.currency}, the order is in {order.currency}")
    if transition.amount is not None and transition.amount < 0:
        return Alert("amount_mismatch", transition.provider, transition.reference, f"negative {transition.kind} amount {transition.amount}")
    before = known.get(transition.key)
    if before is not None and transition.amount is not None and before.transition.amount != transition.amount:
        return Alert("amount_mismatch", transition.provider, transition.reference, f"{transition.kind} of {transition.amount} reported, {before.transition.amount} recorded before")
    if transition.kind in DISPUTE_CLOSES:
        other = replace(transition, kind=next(kind for kind in DISPUTE_CLOSES if kind != transition.kind))
        if other.key in known:
            return Alert("dispute_already_closed", transition.provider, transition.reference, f"dispute {transition.suffix} was closed as {other.kind} before")
    asked = snapshot.intents.get(transition.reference) if transition.provider == "stripe" else None
    if transition.kind == "authorize" and asked is not None and transition.amount != asked:
        return Alert("amount_mismatch", transition.provider, transition.reference, f"authorized {transition.amount}, Omni asked for {asked}")
    return None


def superseded(transition: Transition) -> bool:
    """An intent Omni cancelled because a newer one replaced it: not a failed payment."""
    return transition.kind in ("cancel", "void") and transition.details.get("reason") == "duplicate"


def _resolved(transition: Transition, tally: Tally | None) -> Transition | None:
    """A cancel of an authorized tender is a void of what is still open; a void without an amount
    releases whatever is open (None when nothing is)."""
    open_amount = tally.capturable if tally else 0
    if transition.kind == "authorize" and tally is not None and tally.cancelled:
        return None  # reported after its cancellation: a cancelled intent holds nothing
    if transition.kind == "cancel" and open_amount > 0:
        return replace(transition, kind="void", amount=open_amount)
    if transition.kind == "void" and transition.amount is None:
        return replace(transition, amount=open_amount) if open_amount > 0 else None
    return transition


def _over_limit(transition: Transition, tally: Tally | None) -> Alert | None:
    capturable = tally.capturable if tally else 0
    refundable = tally.refundable if tally else 0
    amount = transition.amount or 0
    if transition.kind in ("capture", "void") and amount > capturable:
        return Alert("over_capture", transition.provider, transition.reference, f"{transition.kind} of {amount}, only {capturable} is authorized and open")
    if transition.kind == "refund" and amount > refundable:
        return Alert("refund_exceeds_captured", transition.provider, transition.reference, f"refund of {amount}, only {refundable} is captured and not refunded")
    if transition.kind in DISPUTE_CLOSES and amount > (tally.disputed_open if tally else 0):
        return Alert("dispute_not_open", transition.provider, transition.reference, f"{transition.kind} of {amount} for dispute {transition.suffix}, which is not open for it")
    return None


# --- refunds ---------------------------------------------------------------------------------


class RefundTooLarge(Exception):
    def __init__(self, refundable: int):
        super().__init__(refundable)
        self.refundable = refundable


def refundable_by_reference(snapshot: Snapshot) -> dict[tuple[str, str], int]:
    """Captured money each tender may still give back: captured, less every planned refund step and
    any refund not made through a plan (e.g. in the provider's dashboard)."""
    planned_ids = {plan.refund_id for plan in snapshot.refunds}
    left = {key: tally.captured - tally.disputed_open - tally.dispute_lost for key, tally in tallies(snapshot.entries).items()}
    for entry in snapshot.entries:
        t = entry.transition
        if t.kind == "refund" and t.details.get("refund_id") not in planned_ids:
            left[(t.provider, t.reference)] = left.get((t.provider, t.reference), 0) - (t.amount or 0)
    for refund in snapshot.refunds:
        for step in refund.steps:
            left[(step.provider, step.reference)] = left.get((step.provider, step.reference), 0) - step.amount
    return {key: amount for key, amount in left.items() if amount > 0}


def plan_refund(snapshot: Snapshot, refund_id: str, amount: int, reason: str, tender_order: tuple[str, ...]) -> RefundPlan:
    """Which tenders give `amount` back: the configured tender order first, then the order of payment."""
    found = tallies(snapshot.entries)
    left = refundable_by_reference(snapshot)
    if amount > sum(left.values()):
        raise RefundTooLarge(sum(left.values()))
    rank = {tender: index for index, tender in enumerate(tender_order)}
    steps, remaining = [], amount
    for key in sorted(left, key=lambda key: (rank.get(found[key].tender, len(rank)), found[key].first)):
        if remaining == 0:
            break
        take = min(remaining, left[key])
        steps.append(RefundStep(tender=found[key].tender, provider=key[0], reference=key[1], amount=take))
        remaining -= take
    return RefundPlan(refund_id=refund_id, amount=amount, currency=snapshot.order.currency, reason=reason, steps=tuple(steps))


def step_done(snapshot: Snapshot, refund_id: str, step: RefundStep) -> bool:
    return any(e.transition.kind == "refund" and e.transition.reference == step.reference and e.transition.details.get("refund_id") == refund_id for e in snapshot.entries)
