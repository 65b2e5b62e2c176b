"""Price configured items against the catalog at a point in time.

Order of application, the same every time (documented in docs/domain-cpq.md):
1. list lines: each offering price valid at ``at`` whose condition matches (catalog order),
   times the units; bundle children are priced first, as items of their own;
2. catalog discounts of the item's offering (one-time, then recurring; catalog order), each on
   the running net of the item with its children — so a bundle discount covers the children;
3. the manual discount requested for a top-level item, on its running net;
4. the manual quote discount, on the sum of the items' nets.
Each line is rounded half-up to cents when it is made; totals are sums of lines."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

from oms.domain.catalog.catalog import Catalog
from oms.domain.catalog.offerings import PriceType, ProductOffering
from oms.domain.catalog.rules import CatalogDiscount, DiscountKind
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.errors import DiscountTargetUnknown
from oms.domain.pricing.model import ChargeTotals, ItemPrice, PriceBreakdown, PriceLine, PriceLineKind
from oms.domain.shared.ids import QuoteItemId
from oms.domain.shared.money import Money, check_percentage
from oms.domain.shared.time import require_utc

_PRICE_TYPES = (PriceType.ONE_TIME, PriceType.RECURRING)


@dataclass(frozen=True)
class ManualDiscounts:
    """Manual discounts a sales agent requests, in percent: per top-level item and for the quote."""

    per_item: Mapping[QuoteItemId, Decimal] = field(default_factory=dict, hash=False)
    quote: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for item_id, percentage in self.per_item.items():
            check_percentage(percentage, f"manual discount of item {item_id!r}")
        check_percentage(self.quote, "manual quote discount")
        object.__setattr__(self, "per_item", MappingProxyType(dict(sorted(self.per_item.items()))))

    def for_item(self, item_id: QuoteItemId) -> Decimal:
        return self.per_item.get(item_id, Decimal(0))


NO_MANUAL_DISCOUNTS = ManualDiscounts()


def price_items(
    catalog: Catalog,
    items: Sequence[ConfiguredItem],
    at: datetime,
    discounts: ManualDiscounts = NO_MANUAL_DISCOUNTS,
) -> PriceBreakdown:
    """Items must be valid and carry their defaults (``validate_configuration`` gives both)."""
    require_utc(at, "at")
    items = tuple(items)
    top_level = {item.item_id for item in items}
    for item_id in discounts.per_item:
        if item_id not in top_level:
            raise DiscountTargetUnknown(item_id)
    priced = tuple(_price_item(catalog, item, at, 1, discounts.for_item(item.item_id)) for item in items)
    net = ChargeTotals.zero(catalog.currency)
    for item in priced:
        net = net + item.totals
    quote_lines = tuple(_manual_lines(net, discounts.quote, "Quote discount"))
    return PriceBreakdown(
        currency=catalog.currency,
        catalog_version=catalog.version,
        priced_at=at,
        items=priced,
        quote_lines=quote_lines,
        quote_discount_percent=discounts.quote,
    )


def _price_item(
    catalog: Catalog, item: ConfiguredItem, at: datetime, multiplier: int, manual_percent: Decimal
) -> ItemPrice:
    offering = catalog.offering(item.offering_id)
    units = multiplier * item.quantity
    children = tuple(_price_item(catalog, child, at, units, Decimal(0)) for child in item.children)
    children_net = ChargeTotals.zero(catalog.currency)
    for child in children:
        children_net = children_net + child.totals
    lines = list(_list_lines(offering, item, units, at))

    def running() -> ChargeTotals:
        return ChargeTotals.of_lines(tuple(lines), catalog.currency) + children_net

    for price_type in _PRICE_TYPES:
        for discount in catalog.discounts_for(offering.id, price_type, at):
            reduction = _catalog_reduction(discount, running().of_type(price_type), units)
            if not reduction.is_zero:
                lines.append(
                    PriceLine(PriceLineKind.CATALOG_DISCOUNT, discount.name, price_type, -reduction, discount.id)
                )
    lines.extend(_manual_lines(running(), manual_percent, "Manual discount"))
    return ItemPrice(
        item_id=item.item_id,
        offering_id=offering.id,
        currency=catalog.currency,
        quantity=units,
        lines=tuple(lines),
        children=children,
        manual_discount_percent=manual_percent,
    )


def _list_lines(offering: ProductOffering, item: ConfiguredItem, units: int, at: datetime) -> Iterator[PriceLine]:
    values = dict(item.characteristics)
    for price in offering.prices_at(at):
        if price.condition is None:
            kind = PriceLineKind.LIST_PRICE
        elif price.condition.matches(values):
            kind = PriceLineKind.CHARACTERISTIC_PRICE
        else:
            continue
        description = price.name if units == 1 else f"{price.name} x {units}"
        yield PriceLine(kind, description, price.price_type, price.amount.times(units).rounded(), price.id)


def _catalog_reduction(discount: CatalogDiscount, base: Money, units: int) -> Money:
    """How much the discount takes off ``base`` (positive); never more than ``base``."""
    if base.amount <= 0:
        return Money.zero(base.currency)
    if discount.kind is DiscountKind.PERCENTAGE:
        assert discount.percentage is not None  # the catalog checks this when it is built
        reduction = base.percent(discount.percentage).rounded()
    else:
        assert discount.amount is not None
        reduction = discount.amount.times(units).rounded()
    return min(reduction, base)


def _manual_lines(base: ChargeTotals, percent: Decimal, label: str) -> Iterator[PriceLine]:
    if percent == 0:
        return
    for price_type in _PRICE_TYPES:
        amount = base.of_type(price_type)
        if amount.amount <= 0:
            continue
        reduction = amount.percent(percent).rounded()
        if not reduction.is_zero:
            yield PriceLine(PriceLineKind.MANUAL_DISCOUNT, f"{label} {percent.normalize():f} %", price_type, -reduction)
