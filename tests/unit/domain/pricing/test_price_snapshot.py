"""The breakdown is a deterministic, storable snapshot."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from domain_builders import NOW, item

from oms.domain.catalog import Catalog, CharacteristicValue
from oms.domain.catalog.demo import FIBER, FIBER_TV_BUNDLE, INSTALLATION, ROUTER_PREMIUM, STATIC_IP, TV
from oms.domain.pricing import (
    InvalidPriceSnapshot,
    ManualDiscounts,
    PriceBreakdown,
    breakdown_from_dict,
    breakdown_to_dict,
    configure_and_price,
    item_price_from_dict,
    item_price_to_dict,
)
from oms.domain.shared import QuoteItemId


def rich_breakdown(catalog: Catalog, *, reverse_characteristics: bool = False) -> PriceBreakdown:
    tv_values: dict[str, CharacteristicValue] = {"channelPackage": "premium", "setTopBoxes": 2}
    if reverse_characteristics:
        tv_values = dict(reversed(list(tv_values.items())))
    children = [
        item("b-fiber", FIBER, {"downloadSpeed": 1000}),
        item("b-tv", TV, tv_values),
        item("b-inst", INSTALLATION, {"installationType": "technician"}),
        item("b-router", ROUTER_PREMIUM, {"acquisition": "buy"}),
    ]
    items = [item("b", FIBER_TV_BUNDLE, children=children), item("ip", STATIC_IP)]
    discounts = ManualDiscounts({QuoteItemId("b"): Decimal("12.5")}, Decimal(5))
    return configure_and_price(catalog, items, NOW, discounts).breakdown


def test_the_same_input_gives_the_same_breakdown_whatever_the_dict_order(catalog: Catalog) -> None:
    # when
    first = rich_breakdown(catalog)
    second = rich_breakdown(catalog, reverse_characteristics=True)
    # then
    assert first == second
    assert json.dumps(breakdown_to_dict(first)) == json.dumps(breakdown_to_dict(second))


def test_totals_are_exact_sums_of_rounded_lines(catalog: Catalog) -> None:
    # given
    breakdown = rich_breakdown(catalog)
    # when
    every_line = [line for i in breakdown.items for p in i.walk() for line in p.lines] + list(breakdown.quote_lines)
    one_time = sum((line.amount.amount for line in every_line if line.price_type == "oneTime"), Decimal(0))
    # then
    assert all(line.amount.amount == line.amount.amount.quantize(Decimal("0.01")) for line in every_line)
    assert breakdown.totals.one_time.amount == one_time
    assert str(breakdown.totals.one_time) == "271.81 EUR"
    assert str(breakdown.totals.recurring_monthly) == "62.35 EUR"


def test_a_breakdown_survives_json_storage_unchanged(catalog: Catalog) -> None:
    # given
    breakdown = rich_breakdown(catalog)
    # when
    stored = json.loads(json.dumps(breakdown_to_dict(breakdown)))
    # then
    assert breakdown_from_dict(stored) == breakdown


def test_an_item_price_snapshot_survives_storage_on_its_own(catalog: Catalog) -> None:
    # given
    item_price = rich_breakdown(catalog).items[0]
    # when / then
    assert item_price_from_dict(json.loads(json.dumps(item_price_to_dict(item_price)))) == item_price


def test_a_snapshot_whose_totals_disagree_with_its_lines_is_refused(catalog: Catalog) -> None:
    # given
    stored = breakdown_to_dict(rich_breakdown(catalog))
    stored["totals"]["oneTime"]["value"] = "1.00"
    # when / then
    with pytest.raises(InvalidPriceSnapshot, match="do not match"):
        breakdown_from_dict(stored)


def test_a_snapshot_missing_a_field_is_refused_with_a_domain_error(catalog: Catalog) -> None:
    # given
    stored = breakdown_to_dict(rich_breakdown(catalog))
    del stored["items"][0]["lines"]
    # when / then
    with pytest.raises(InvalidPriceSnapshot):
        breakdown_from_dict(stored)
