"""From TMF648 request bodies to the application's command values."""

from __future__ import annotations

from decimal import Decimal

from oms.api.schemas.quote import QuoteItemIn
from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.calculator import ManualDiscounts
from oms.domain.shared.ids import OfferingId, QuoteItemId


def configured_items(items: list[QuoteItemIn]) -> tuple[ConfiguredItem, ...]:
    return tuple(_configured(item) for item in items)


def _configured(item: QuoteItemIn) -> ConfiguredItem:
    characteristics: dict[str, CharacteristicValue] = {
        c.name: c.value for c in (item.product.productCharacteristic if item.product else [])
    }
    return ConfiguredItem(
        item_id=QuoteItemId(item.id),
        offering_id=OfferingId(item.productOffering.id),
        characteristics=characteristics,
        quantity=item.quantity,
        children=configured_items(item.quoteItem),
    )


def manual_discounts(items: list[QuoteItemIn], quote_percent: Decimal | None) -> ManualDiscounts:
    """Discounts as requested: per item (children included, so that the domain names a discount on a
    bundle child as the error it is) and on the quote. Builds a domain value, so call it inside the
    command, where domain errors become application errors."""
    per_item: dict[QuoteItemId, Decimal] = {}
    pending = list(items)
    while pending:
        item = pending.pop()
        if item.manualDiscountPercent is not None:
            per_item[QuoteItemId(item.id)] = item.manualDiscountPercent
        pending.extend(item.quoteItem)
    return ManualDiscounts(per_item, quote_percent or Decimal(0))


def asks_for_discounts(items: list[QuoteItemIn] | None, quote_percent_given: bool) -> bool:
    if quote_percent_given:
        return True
    pending = list(items or [])
    while pending:
        item = pending.pop()
        if item.manualDiscountPercent is not None:
            return True
        pending.extend(item.quoteItem)
    return False
