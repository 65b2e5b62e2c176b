"""List prices, characteristic prices, quantities; one-time and recurring kept apart."""

from __future__ import annotations

from datetime import timedelta

from domain_builders import NOW, eur, item

from oms.domain.catalog import Catalog, LifecycleStatus, OfferingPrice, PriceType, ProductOffering
from oms.domain.catalog.demo import FIBER, FIBER_TV_BUNDLE, INSTALLATION, ROUTER_BASIC, TV
from oms.domain.pricing import PriceLineKind, configure_and_price, price_items
from oms.domain.shared import OfferingId, PriceId, TimePeriod


def test_speed_tier_1000_adds_its_characteristic_price_to_the_list_price(catalog: Catalog) -> None:
    # when
    breakdown = configure_and_price(catalog, [item("i1", FIBER, {"downloadSpeed": 1000})], NOW).breakdown
    # then
    (priced,) = breakdown.items
    assert [(line.kind, line.amount) for line in priced.lines] == [
        (PriceLineKind.LIST_PRICE, eur("29.99")),
        (PriceLineKind.CHARACTERISTIC_PRICE, eur("20.00")),
    ]
    assert priced.totals.recurring_monthly == eur("49.99")


def test_one_time_and_recurring_charges_are_totalled_apart(catalog: Catalog) -> None:
    # given a bought router (one-time) and a broadband line (recurring)
    items = [item("i-fiber", FIBER), item("i-router", ROUTER_BASIC, {"acquisition": "buy"})]
    # when
    breakdown = configure_and_price(catalog, items, NOW).breakdown
    # then
    assert breakdown.totals.one_time == eur("89.00")
    assert breakdown.totals.recurring_monthly == eur("29.99")


def test_quantity_multiplies_every_line_of_the_item(catalog: Catalog) -> None:
    # given
    items = [item("i-fiber", FIBER), item("i-router", ROUTER_BASIC, {"acquisition": "rent"}, quantity=3)]
    # when
    router = configure_and_price(catalog, items, NOW).breakdown.items[1]
    # then
    assert router.quantity == 3
    assert [(line.description, line.amount) for line in router.lines] == [("Basic Router rental x 3", eur("9.00"))]


def test_a_bundle_total_includes_its_children_and_the_bundle_discount(catalog: Catalog) -> None:
    # given fiber 29.99 + TV 12.00 = 41.99 a month, 10 % bundle discount; installation 99 - 20 welcome
    children = [item("b-fiber", FIBER), item("b-tv", TV), item("b-inst", INSTALLATION)]
    # when
    (bundle,) = configure_and_price(catalog, [item("b", FIBER_TV_BUNDLE, children=children)], NOW).breakdown.items
    # then
    assert [child.item_id for child in bundle.children] == ["b-fiber", "b-tv", "b-inst"]
    assert [(line.kind, line.amount) for line in bundle.lines] == [(PriceLineKind.CATALOG_DISCOUNT, eur("-4.20"))]
    assert bundle.list_totals.recurring_monthly == eur("41.99")
    assert bundle.totals.recurring_monthly == eur("37.79")
    assert bundle.totals.one_time == eur("79.00")


def test_only_prices_valid_at_the_pricing_time_apply() -> None:
    # given a price change at NOW + 1 day
    change = NOW + timedelta(days=1)
    offering = ProductOffering(
        OfferingId("po"),
        "po",
        LifecycleStatus.ACTIVE,
        prices=(
            OfferingPrice(PriceId("old"), "fee", PriceType.RECURRING, eur("10.00"), valid_for=TimePeriod(end=change)),
            OfferingPrice(PriceId("new"), "fee", PriceType.RECURRING, eur("12.00"), valid_for=TimePeriod(start=change)),
        ),
    )
    catalog = Catalog(version="t", currency="EUR", offerings=(offering,))
    # when
    before = price_items(catalog, [item("i", "po")], NOW).totals.recurring_monthly
    after = price_items(catalog, [item("i", "po")], change).totals.recurring_monthly
    # then
    assert (before, after) == (eur("10.00"), eur("12.00"))
