"""Totals: integer minor units, tax inclusive or exclusive, shipping per shipment."""

from orders.logic.totals import shipping_of, tax_of, totals

RATES = {"ship": 590, "ship_from_store": 490, "pickup": 0, "extra_shipment": 300}


def test_tax_inclusive_takes_the_rates_part_of_each_line_rounded_half_up():
    figures, taxes = totals([3998, 1200], 590, 2000, True, "EUR")
    assert taxes == [666, 200] and figures.tax == 666 + 200 + 98
    assert (figures.subtotal, figures.grand_total, figures.tax_inclusive) == (5198, 5788, True)


def test_tax_exclusive_adds_it_on_top():
    figures, taxes = totals([1000, 333], 0, 825, False, "USD")
    assert taxes == [83, 27] and figures.grand_total == 1333 + 110


def test_half_up_and_shipping():
    assert tax_of(5, 1000, False) == 1 and tax_of(4, 1000, False) == 0
    assert shipping_of(["ship", "ship_from_store"], RATES) == 890 and shipping_of(["pickup"], RATES) == 0
