"""Pricing: deterministic price breakdowns, stored as snapshots on quotes."""

from oms.domain.pricing.calculator import NO_MANUAL_DISCOUNTS, ManualDiscounts, price_items
from oms.domain.pricing.errors import DiscountTargetUnknown, InvalidPriceSnapshot
from oms.domain.pricing.model import ChargeTotals, ItemPrice, PriceBreakdown, PriceLine, PriceLineKind
from oms.domain.pricing.service import PricedConfiguration, configure_and_price
from oms.domain.pricing.snapshot import (
    breakdown_from_dict,
    breakdown_to_dict,
    item_price_from_dict,
    item_price_to_dict,
)

__all__ = [
    "NO_MANUAL_DISCOUNTS",
    "ChargeTotals",
    "DiscountTargetUnknown",
    "InvalidPriceSnapshot",
    "ItemPrice",
    "ManualDiscounts",
    "PriceBreakdown",
    "PriceLine",
    "PriceLineKind",
    "PricedConfiguration",
    "breakdown_from_dict",
    "breakdown_to_dict",
    "configure_and_price",
    "item_price_from_dict",
    "item_price_to_dict",
    "price_items",
]
