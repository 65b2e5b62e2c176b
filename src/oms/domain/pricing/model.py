"""The price breakdown: an immutable snapshot of how a quote's price was made.

Every line holds an amount already rounded half-up to cents, and every total is the plain sum of
lines, so the totals always equal what a reader adds up from the lines. Discounts are negative
lines. One-time and recurring (monthly) charges are never added together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from oms.domain.catalog.offerings import PriceType
from oms.domain.shared.ids import OfferingId, QuoteItemId
from oms.domain.shared.money import Money, sum_money


class PriceLineKind(StrEnum):
    LIST_PRICE = "listPrice"  # the offering's own price
    CHARACTERISTIC_PRICE = "characteristicPrice"  # added by a chosen characteristic value
    CATALOG_DISCOUNT = "catalogDiscount"  # granted by the catalog, needs no approval
    MANUAL_DISCOUNT = "manualDiscount"  # requested by a sales agent, may need approval

    @property
    def is_list(self) -> bool:
        return self in (PriceLineKind.LIST_PRICE, PriceLineKind.CHARACTERISTIC_PRICE)


@dataclass(frozen=True)
class PriceLine:
    kind: PriceLineKind
    description: str
    price_type: PriceType
    amount: Money
    reference: str | None = None  # the catalog price or discount id; None for a manual discount


@dataclass(frozen=True)
class ChargeTotals:
    one_time: Money
    recurring_monthly: Money

    @classmethod
    def zero(cls, currency: str) -> ChargeTotals:
        return cls(Money.zero(currency), Money.zero(currency))

    @classmethod
    def of_lines(cls, lines: tuple[PriceLine, ...], currency: str) -> ChargeTotals:
        return cls(
            sum_money([line.amount for line in lines if line.price_type is PriceType.ONE_TIME], currency),
            sum_money([line.amount for line in lines if line.price_type is PriceType.RECURRING], currency),
        )

    def __add__(self, other: ChargeTotals) -> ChargeTotals:
        return ChargeTotals(self.one_time + other.one_time, self.recurring_monthly + other.recurring_monthly)

    def of_type(self, price_type: PriceType) -> Money:
        return self.one_time if price_type is PriceType.ONE_TIME else self.recurring_monthly


@dataclass(frozen=True)
class ItemPrice:
    """The price of one configured item with its bundle children. ``quantity`` is the number of
    units priced (the item's quantity times its ancestors'). Totals cover the children too."""

    item_id: QuoteItemId
    offering_id: OfferingId
    currency: str
    quantity: int
    lines: tuple[PriceLine, ...]
    children: tuple[ItemPrice, ...] = ()
    manual_discount_percent: Decimal = Decimal(0)

    @cached_property
    def totals(self) -> ChargeTotals:
        return _sum_totals(self, lambda line: True)

    @cached_property
    def list_totals(self) -> ChargeTotals:
        """Before any discount."""
        return _sum_totals(self, lambda line: line.kind.is_list)

    @cached_property
    def manual_discount_totals(self) -> ChargeTotals:
        return _sum_totals(self, lambda line: line.kind is PriceLineKind.MANUAL_DISCOUNT)

    def walk(self) -> tuple[ItemPrice, ...]:
        return (self, *(descendant for child in self.children for descendant in child.walk()))


def _sum_totals(item: ItemPrice, keep: Callable[[PriceLine], bool]) -> ChargeTotals:
    total = ChargeTotals.of_lines(tuple(line for line in item.lines if keep(line)), item.currency)
    for child in item.children:
        total = total + _sum_totals(child, keep)
    return total


@dataclass(frozen=True)
class PriceBreakdown:
    """The whole quote: item prices in quote order, then quote-level lines (the manual quote discount).

    ``catalog_version`` and ``priced_at`` say which catalog snapshot, at which time, produced it."""

    currency: str
    catalog_version: str
    priced_at: datetime
    items: tuple[ItemPrice, ...]
    quote_lines: tuple[PriceLine, ...] = ()
    quote_discount_percent: Decimal = Decimal(0)

    @cached_property
    def totals(self) -> ChargeTotals:
        total = ChargeTotals.of_lines(self.quote_lines, self.currency)
        for item in self.items:
            total = total + item.totals
        return total

    @cached_property
    def list_totals(self) -> ChargeTotals:
        total = ChargeTotals.zero(self.currency)
        for item in self.items:
            total = total + item.list_totals
        return total

    @cached_property
    def manual_discount_totals(self) -> ChargeTotals:
        """Every manual discount line (items' and the quote's); negative or zero."""
        quote_manual = tuple(line for line in self.quote_lines if line.kind is PriceLineKind.MANUAL_DISCOUNT)
        total = ChargeTotals.of_lines(quote_manual, self.currency)
        for item in self.items:
            total = total + item.manual_discount_totals
        return total

    def item(self, item_id: QuoteItemId) -> ItemPrice | None:
        for item in self.items:
            if item.item_id == item_id:
                return item
        return None
