"""Deal figures derived from a price breakdown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from domain_builders import eur, item, priced

from oms.domain.approval import DealFigures, InvalidContractTerm
from oms.domain.catalog.demo import FIBER, INSTALLATION


def test_deal_size_is_monthly_times_term_plus_one_time() -> None:
    # given fiber 29.99 a month, installation 99.00 - 20.00 welcome discount
    breakdown = priced([item("i-fiber", FIBER), item("i-inst", INSTALLATION)]).breakdown
    # when
    deal = DealFigures.from_breakdown(breakdown, 24)
    # then
    assert deal.deal_size == eur("798.76")  # 24 x 29.99 + 79.00


def test_item_and_quote_discounts_compound_for_the_largest_item_discount() -> None:
    # given
    breakdown = priced(item_discounts={"i-fiber": Decimal(10)}, quote_discount=Decimal(10)).breakdown
    # when
    deal = DealFigures.from_breakdown(breakdown, 12)
    # then
    assert deal.max_item_discount_percent == Decimal(19)


def test_overall_discount_counts_only_manual_discounts_against_the_deal_before_them() -> None:
    # given 20 % on the only item; the catalog's welcome discount does not count
    breakdown = priced([item("i-inst", INSTALLATION)], item_discounts={"i-inst": Decimal(20)}).breakdown
    # when
    deal = DealFigures.from_breakdown(breakdown, 12)
    # then: 79.00 before the manual discount, 15.80 off
    assert deal.overall_discount_percent == Decimal(20)
    assert deal.deal_size == eur("63.20")


@pytest.mark.parametrize("months", [0, -1, True])
def test_contract_term_must_be_a_positive_number_of_months(months: int) -> None:
    # when / then
    with pytest.raises(InvalidContractTerm):
        DealFigures.from_breakdown(priced().breakdown, months)
