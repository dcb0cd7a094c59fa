"""Orders' events (OrderPlaced, OrderStatusChanged, RefundRequested) → payments' copy of each order,
captures, voids and refunds."""

from kernel.consumer import event_handler
from orders.models.events import OrderPlaced, OrderStatusChanged, RefundRequested
from payments.logic import orders

handler = event_handler(
    {
        "OrderPlaced": lambda event: orders.order_placed(event.unwrap(OrderPlaced)),
        "OrderStatusChanged": lambda event: orders.status_changed(event.unwrap(OrderStatusChanged)),
        "RefundRequested": lambda event: orders.refund_requested(event.unwrap(RefundRequested)),
    }
)
