"""Catalog discounts and manual discounts, and how they combine."""

from __future__ import annotations

from decimal import Decimal

import pytest
from domain_builders import NOW, eur, item

from oms.domain.catalog import (
    Catalog,
    CatalogDiscount,
    DiscountKind,
    LifecycleStatus,
    OfferingPrice,
    PriceType,
    ProductOffering,
)
from oms.domain.catalog.demo import FIBER, INSTALLATION, TV
from oms.domain.pricing import DiscountTargetUnknown, ManualDiscounts, PriceLineKind, configure_and_price, price_items
from oms.domain.shared import DiscountId, InvalidPercentage, OfferingId, PriceId


def test_an_amount_discount_never_takes_a_charge_below_zero() -> None:
    # given a 5.00 fee with a 8.00 discount
    offering = ProductOffering(
        OfferingId("po"),
        "po",
        LifecycleStatus.ACTIVE,
        prices=(OfferingPrice(PriceId("p"), "fee", PriceType.ONE_TIME, eur("5.00")),),
    )
    discount = CatalogDiscount(
        DiscountId("d"), "big", OfferingId("po"), PriceType.ONE_TIME, DiscountKind.AMOUNT, amount=eur("8.00")
    )
    catalog = Catalog(version="t", currency="EUR", offerings=(offering,), discounts=(discount,))
    # when
    breakdown = price_items(catalog, [item("i", "po")], NOW)
    # then
    assert breakdown.totals.one_time == eur("0.00")
    assert breakdown.items[0].lines[-1].amount == eur("-5.00")


def test_an_amount_discount_applies_per_unit(catalog: Catalog) -> None:
    # given the welcome discount of 20.00 per installation, two installations
    items = [item("i1", INSTALLATION, quantity=2)]
    # when
    breakdown = price_items(catalog, items, NOW)
    # then
    assert breakdown.totals.one_time == eur("158.00")  # 2 x 99.00 - 2 x 20.00


def test_a_manual_item_discount_applies_after_catalog_discounts_on_both_charge_types(catalog: Catalog) -> None:
    # given installation 99.00 - 20.00 welcome = 79.00 one-time
    items = [item("i-fiber", FIBER), item("i-inst", INSTALLATION)]
    # when
    breakdown = configure_and_price(catalog, items, NOW, ManualDiscounts({"i-inst": Decimal(10)})).breakdown  # type: ignore[dict-item]
    # then
    inst = breakdown.items[1]
    assert [(line.kind, line.amount) for line in inst.lines][-1] == (PriceLineKind.MANUAL_DISCOUNT, eur("-7.90"))
    assert inst.totals.one_time == eur("71.10")
    assert breakdown.items[0].totals.recurring_monthly == eur("29.99")


def test_a_quote_discount_applies_to_the_sum_of_item_nets_as_quote_lines(catalog: Catalog) -> None:
    # given fiber 29.99 + TV 12.00 = 41.99 a month
    items = [item("i-fiber", FIBER), item("i-tv", TV)]
    # when
    breakdown = configure_and_price(catalog, items, NOW, ManualDiscounts(quote=Decimal(5))).breakdown
    # then
    assert [(line.kind, line.price_type, line.amount) for line in breakdown.quote_lines] == [
        (PriceLineKind.MANUAL_DISCOUNT, PriceType.RECURRING, eur("-2.10"))
    ]
    assert breakdown.totals.recurring_monthly == eur("39.89")
    assert breakdown.manual_discount_totals.recurring_monthly == eur("-2.10")


def test_manual_discounts_can_target_only_top_level_items(catalog: Catalog) -> None:
    # when / then
    with pytest.raises(DiscountTargetUnknown, match="i-child"):
        price_items(catalog, [item("i-fiber", FIBER)], NOW, ManualDiscounts({"i-child": Decimal(5)}))  # type: ignore[dict-item]


@pytest.mark.parametrize("percentage", [Decimal(-1), Decimal("100.01")])
def test_a_manual_discount_must_be_a_percentage(percentage: Decimal) -> None:
    # when / then
    with pytest.raises(InvalidPercentage):
        ManualDiscounts(quote=percentage)
