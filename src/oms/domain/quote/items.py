"""Values held by a quote: its items (configuration + price snapshot) and its authorizations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.model import ItemPrice, PriceBreakdown
from oms.domain.quote.errors import PriceDoesNotMatchItems
from oms.domain.shared.ids import ActorId, ApprovalCaseId, OfferingId, QuoteItemId


@dataclass(frozen=True)
class QuoteItem:
    """One TMF648 ``quoteItem``: what was configured and the price it was given. The price is a
    snapshot: a later catalog change does not touch it; only ``change_items`` replaces it."""

    configuration: ConfiguredItem
    price: ItemPrice

    @property
    def id(self) -> QuoteItemId:
        return self.configuration.item_id

    @property
    def offering_id(self) -> OfferingId:
        return self.configuration.offering_id

    @property
    def manual_discount_percent(self) -> Decimal:
        return self.price.manual_discount_percent


class AuthorizationState(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"


@dataclass(frozen=True)
class QuoteAuthorization:
    """TMF648 ``Authorization``: one approval level's answer, kept on the quote as evidence."""

    approval_case_id: ApprovalCaseId
    level: int
    role: str
    state: AuthorizationState
    approver_id: ActorId
    requested_at: datetime
    given_at: datetime
    comment: str

    @property
    def name(self) -> str:
        return f"level {self.level} ({self.role})"


def pair_items(quote_id: str, items: tuple[ConfiguredItem, ...], price: PriceBreakdown) -> tuple[QuoteItem, ...]:
    """Join each item with its price, refusing a breakdown made for other items."""
    if len(items) != len(price.items):
        raise PriceDoesNotMatchItems(quote_id, f"{len(items)} items but {len(price.items)} priced items")
    for item, item_price in zip(items, price.items, strict=True):
        _check_same_tree(quote_id, item, item_price)
    return tuple(QuoteItem(item, item_price) for item, item_price in zip(items, price.items, strict=True))


def _check_same_tree(quote_id: str, item: ConfiguredItem, price: ItemPrice) -> None:
    if (item.item_id, item.offering_id) != (price.item_id, price.offering_id):
        raise PriceDoesNotMatchItems(
            quote_id, f"item {item.item_id!r} ({item.offering_id}) priced as {price.item_id!r} ({price.offering_id})"
        )
    if len(item.children) != len(price.children):
        raise PriceDoesNotMatchItems(quote_id, f"item {item.item_id!r} children differ from its priced children")
    for child, child_price in zip(item.children, price.children, strict=True):
        _check_same_tree(quote_id, child, child_price)


def manual_discounts_differ(old: PriceBreakdown | None, new: PriceBreakdown) -> bool:
    """Whether ``new`` requests a manual discount not already granted on the quote: a different
    percentage on an item (a new item counts from 0) or on the quote. Dropping a discounted item
    is not a price change."""
    previous = {} if old is None else {item.item_id: item.manual_discount_percent for item in old.items}
    previous_quote = Decimal(0) if old is None else old.quote_discount_percent
    if new.quote_discount_percent != previous_quote:
        return True
    return any(item.manual_discount_percent != previous.get(item.item_id, Decimal(0)) for item in new.items)
