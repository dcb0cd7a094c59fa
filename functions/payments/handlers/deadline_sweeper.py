"""Every minute: online orders past their payment deadline get PaymentFailed(expired)."""

from kernel.observability import metrics, observed
from payments.logic.expiry import expire_due


@observed()
def handler(event, context):
    expired = expire_due()
    metrics.add_metric(name="PaymentsExpired", unit="Count", value=expired)
    return {"expired": expired}
