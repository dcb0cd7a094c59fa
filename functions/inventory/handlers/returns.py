"""Orders' ReturnReceived → the sellable units (received − damaged) back on hand at the receiving
location, through the adjustments ledger (a receipt per line, keyed by the return and the line), so a
redelivered event restocks once. Damaged units stay out of stock: they were never put back."""

from __future__ import annotations

from inventory.logic.adjustments import adjust
from inventory.models.stock import AdjustmentIn, AdjustmentKind
from kernel.consumer import event_handler
from kernel.envelope import Envelope
from orders.models.events import ReturnReceived  # orders' published contract, not its tables


def _returned(event: Envelope) -> None:
    returned = event.unwrap(ReturnReceived)
    for index, line in enumerate(returned.lines):
        sellable = line.received - line.damaged
        if sellable > 0:
            adjust(
                AdjustmentIn(
                    source_event_id=f"return-{returned.return_id}-{index}",
                    kind=AdjustmentKind.receipt,
                    sku=line.sku,
                    location_id=returned.location_id,
                    quantity=sellable,
                    reason=f"return {returned.return_id} of order {returned.order_id}",
                )
            )


handler = event_handler({"ReturnReceived": _returned})
