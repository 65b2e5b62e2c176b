"""Price breakdowns as plain dicts, to be stored on the quote (and its items) so that a later
catalog change never alters a quote already issued. Amounts are strings, never floats.

Totals are written for readers of the stored JSON, and checked when read back: a snapshot whose
totals disagree with its lines is refused rather than silently recomputed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from oms.domain.catalog.offerings import PriceType
from oms.domain.pricing.errors import InvalidPriceSnapshot
from oms.domain.pricing.model import ChargeTotals, ItemPrice, PriceBreakdown, PriceLine, PriceLineKind
from oms.domain.shared.errors import DomainError
from oms.domain.shared.ids import OfferingId, QuoteItemId
from oms.domain.shared.money import Money

Json = dict[str, Any]


def breakdown_to_dict(breakdown: PriceBreakdown) -> Json:
    return {
        "currency": breakdown.currency,
        "catalogVersion": breakdown.catalog_version,
        "pricedAt": breakdown.priced_at.isoformat(),
        "quoteDiscountPercent": str(breakdown.quote_discount_percent),
        "items": [item_price_to_dict(item) for item in breakdown.items],
        "quoteLines": [_line_to_dict(line) for line in breakdown.quote_lines],
        "totals": _totals_to_dict(breakdown.totals),
    }


def breakdown_from_dict(data: Json) -> PriceBreakdown:
    try:
        breakdown = PriceBreakdown(
            currency=data["currency"],
            catalog_version=data["catalogVersion"],
            priced_at=datetime.fromisoformat(data["pricedAt"]),
            quote_discount_percent=Decimal(data["quoteDiscountPercent"]),
            items=tuple(item_price_from_dict(item) for item in data["items"]),
            quote_lines=tuple(_line_from_dict(line) for line in data["quoteLines"]),
        )
        _check_totals("quote", breakdown.totals, data["totals"])
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise InvalidPriceSnapshot(f"{type(error).__name__}: {error}") from error
    return breakdown


def item_price_to_dict(item: ItemPrice) -> Json:
    return {
        "itemId": item.item_id,
        "productOffering": item.offering_id,
        "currency": item.currency,
        "quantity": item.quantity,
        "manualDiscountPercent": str(item.manual_discount_percent),
        "lines": [_line_to_dict(line) for line in item.lines],
        "children": [item_price_to_dict(child) for child in item.children],
        "totals": _totals_to_dict(item.totals),
    }


def item_price_from_dict(data: Json) -> ItemPrice:
    try:
        item = ItemPrice(
            item_id=QuoteItemId(data["itemId"]),
            offering_id=OfferingId(data["productOffering"]),
            currency=data["currency"],
            quantity=data["quantity"],
            manual_discount_percent=Decimal(data["manualDiscountPercent"]),
            lines=tuple(_line_from_dict(line) for line in data["lines"]),
            children=tuple(item_price_from_dict(child) for child in data["children"]),
        )
        _check_totals(f"item {item.item_id!r}", item.totals, data["totals"])
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise InvalidPriceSnapshot(f"{type(error).__name__}: {error}") from error
    return item


def _line_to_dict(line: PriceLine) -> Json:
    return {
        "kind": str(line.kind),
        "description": line.description,
        "priceType": str(line.price_type),
        "recurringChargePeriod": "month" if line.price_type is PriceType.RECURRING else None,
        "amount": line.amount.to_dict(),
        "reference": line.reference,
    }


def _line_from_dict(data: Json) -> PriceLine:
    try:
        amount = Money.from_dict(data["amount"])
    except DomainError as error:
        raise InvalidPriceSnapshot(error.message) from error
    return PriceLine(
        kind=PriceLineKind(data["kind"]),
        description=data["description"],
        price_type=PriceType(data["priceType"]),
        amount=amount,
        reference=data["reference"],
    )


def _totals_to_dict(totals: ChargeTotals) -> Json:
    return {"oneTime": totals.one_time.to_dict(), "recurringMonthly": totals.recurring_monthly.to_dict()}


def _check_totals(what: str, computed: ChargeTotals, stored: Json) -> None:
    stored_totals = ChargeTotals(Money.from_dict(stored["oneTime"]), Money.from_dict(stored["recurringMonthly"]))
    if stored_totals != computed:
        raise InvalidPriceSnapshot(f"{what} totals {stored} do not match its lines")
