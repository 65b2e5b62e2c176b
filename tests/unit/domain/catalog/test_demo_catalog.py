"""The demo catalog loads, covers the telecom story, and survives storage as plain data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from oms.domain.catalog import Catalog, PriceType, catalog_from_dict, catalog_to_dict
from oms.domain.catalog.demo import FIBER, FIBER_LEGACY, FIBER_TV_BUNDLE, ROUTER_BASIC, STATIC_IP, TV

AT = datetime(2025, 6, 1, tzinfo=UTC)


def test_demo_catalog_sells_everything_but_the_retired_tier(catalog: Catalog) -> None:
    # when
    sellable = {offering.id for offering in catalog.sellable_offerings(AT)}
    # then
    assert FIBER_LEGACY not in sellable
    assert {FIBER, STATIC_IP, TV, ROUTER_BASIC, FIBER_TV_BUNDLE} <= sellable


def test_demo_fiber_has_three_speed_tiers_and_1000_adds_20_a_month(catalog: Catalog) -> None:
    # given
    fiber = catalog.offering(FIBER)
    spec = catalog.specification_of(fiber)
    # when
    speed = None if spec is None else spec.characteristic("downloadSpeed")
    tier_1000 = next(p for p in fiber.prices if p.condition is not None and p.condition.value == 1000)
    # then
    assert speed is not None and speed.allowed_values == (300, 500, 1000)
    assert (tier_1000.price_type, str(tier_1000.amount)) == (PriceType.RECURRING, "20.00 EUR")


def test_demo_catalog_round_trips_through_json(catalog: Catalog) -> None:
    # given
    text = json.dumps(catalog_to_dict(catalog))
    # when
    loaded = catalog_from_dict(json.loads(text))
    # then
    assert loaded == catalog
