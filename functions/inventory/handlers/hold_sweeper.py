"""Every minute: soft holds past their deadline give their units back."""

from inventory.logic.holds import expire_due
from kernel.observability import metrics, observed


@observed()
def handler(event, context):
    expired = expire_due()
    metrics.add_metric(name="HoldsExpired", unit="Count", value=expired)
    return {"expired": expired}
