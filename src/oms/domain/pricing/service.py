"""Configure and price in one step: what the application layer calls before creating or changing
a quote. Pure: the catalog snapshot and the time are arguments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from oms.domain.catalog.catalog import Catalog
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.configuration.validation import validate_configuration
from oms.domain.pricing.calculator import NO_MANUAL_DISCOUNTS, ManualDiscounts, price_items
from oms.domain.pricing.model import PriceBreakdown


@dataclass(frozen=True)
class PricedConfiguration:
    """Valid items (defaults filled in) and their price, computed from one catalog at one time."""

    items: tuple[ConfiguredItem, ...]
    breakdown: PriceBreakdown


def configure_and_price(
    catalog: Catalog,
    items: Sequence[ConfiguredItem],
    at: datetime,
    discounts: ManualDiscounts = NO_MANUAL_DISCOUNTS,
) -> PricedConfiguration:
    """Raise ``InvalidConfiguration`` with every problem, or return the priced items."""
    valid = validate_configuration(catalog, items, at)
    return PricedConfiguration(valid, price_items(catalog, valid, at, discounts))
