"""The figures the approval policy looks at, derived from a quote's price breakdown.

- ``max_item_discount_percent``: the largest manual discount requested for any quote item,
  compounded with the quote discount (10 % on the item and 10 % on the quote is 19 %).
- ``overall_discount_percent``: all manual discounts as a share of the deal value before them.
- ``deal_size``: net recurring monthly x contract term months + net one-time.
Catalog discounts are not counted: the catalog grants them, nobody has to approve them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from oms.domain.pricing.model import ChargeTotals, PriceBreakdown
from oms.domain.shared.errors import DomainError
from oms.domain.shared.money import Money

_HUNDRED = Decimal(100)


class InvalidContractTerm(DomainError):
    code = "invalidContractTerm"

    def __init__(self, months: object) -> None:
        super().__init__(f"contract term {months!r} is not a positive number of months", months=str(months))


def check_contract_term(months: int) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise InvalidContractTerm(months)
    return months


def deal_value(totals: ChargeTotals, contract_term_months: int) -> Money:
    return totals.recurring_monthly.times(contract_term_months) + totals.one_time


@dataclass(frozen=True)
class DealFigures:
    max_item_discount_percent: Decimal
    overall_discount_percent: Decimal
    deal_size: Money

    @classmethod
    def from_breakdown(cls, breakdown: PriceBreakdown, contract_term_months: int) -> DealFigures:
        check_contract_term(contract_term_months)
        quote_share = _HUNDRED - breakdown.quote_discount_percent
        max_item = max(
            (_HUNDRED - (_HUNDRED - item.manual_discount_percent) * quote_share / _HUNDRED for item in breakdown.items),
            default=breakdown.quote_discount_percent,
        )
        net = deal_value(breakdown.totals, contract_term_months)
        manual = deal_value(breakdown.manual_discount_totals, contract_term_months)  # negative or zero
        before_manual = net - manual
        overall = (-manual).ratio_to(before_manual)
        return cls(max_item_discount_percent=max_item, overall_discount_percent=overall, deal_size=net)
