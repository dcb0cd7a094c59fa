import pytest

from orders.logic.lifecycle import ALLOWED, InvalidTransition, advance, can_move
from orders.models.order import OrderStatus, PaymentMode
from support.orders import an_order

S = OrderStatus
AT = "2026-11-23T12:10:00.000000Z"


def test_every_status_is_in_the_table_and_the_ends_lead_nowhere():
    assert set(ALLOWED) == set(OrderStatus)
    assert ALLOWED[S.closed] == ALLOWED[S.cancelled] == frozenset()


def test_advancing_adds_a_timeline_entry_and_the_next_version():
    order = an_order()
    paid = advance(order, S.paid, at=AT, reason="paid by card")
    assert (paid.status, paid.version, paid.updated_at) == (S.paid, 2, AT)
    assert (paid.timeline[-1].status, paid.timeline[-1].message) == (S.paid, "paid by card")
    assert order.status is S.awaiting_payment  # pure: the order read is untouched


def test_a_transition_the_lifecycle_does_not_allow_is_a_409_naming_both_statuses():
    with pytest.raises(InvalidTransition) as refused:
        advance(an_order(status=S.shipped), S.cancelled, at=AT)
    assert refused.value.status == 409
    assert refused.value.extra == {"field": "status", "from_status": "shipped", "to_status": "cancelled"}


def test_only_orders_paid_in_store_are_fulfilled_before_they_are_paid():
    assert not can_move(an_order(payment=PaymentMode.online), S.allocated)
    assert can_move(an_order(payment=PaymentMode.in_store), S.allocated)
