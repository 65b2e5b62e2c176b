"""What a customer asks for when placing (or amending) an order, before any check."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.order.items import CUSTOMER_ROLE, ItemAction, RelatedParty, frozen_characteristics
from oms.domain.pricing.model import PriceBreakdown
from oms.domain.quote.model import Quote
from oms.domain.shared.ids import OfferingId, OrderItemId, ProductId, QuoteId, QuoteItemId
from oms.domain.shared.time import require_utc


@dataclass(frozen=True)
class OrderItemRequest:
    """One requested ``productOrderItem``. For modify/delete/noChange the offering may be left out:
    it is the existing product's."""

    item_id: OrderItemId
    action: ItemAction
    offering_id: OfferingId | None = None
    characteristics: Mapping[str, CharacteristicValue] = field(default_factory=dict, hash=False)
    quantity: int = 1
    product_id: ProductId | None = None
    quote_item_id: QuoteItemId | None = None
    parent_item_id: OrderItemId | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "characteristics", frozen_characteristics(self.characteristics))

    @property
    def price_key(self) -> str:
        """Which priced item of the breakdown prices this one."""
        return self.quote_item_id or self.item_id


@dataclass(frozen=True)
class OrderRequest:
    """A requested order. ``price`` is a breakdown priced at order time; with a quote and no price,
    the accepted quote's snapshot prices the order."""

    items: tuple[OrderItemRequest, ...]
    related_parties: tuple[RelatedParty, ...] = ()
    quote_id: QuoteId | None = None
    price: PriceBreakdown | None = None
    requested_start_date: datetime | None = None
    requested_completion_date: datetime | None = None
    category: str | None = None
    description: str = ""
    external_id: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class OrderHeader:
    """The order-level fields the customer asked for, kept on the order as they were given."""

    related_parties: tuple[RelatedParty, ...] = ()
    quote_id: QuoteId | None = None
    requested_start_date: datetime | None = None
    requested_completion_date: datetime | None = None
    category: str | None = None
    description: str = ""
    external_id: str | None = None
    priority: str | None = None

    def __post_init__(self) -> None:
        for when, what in (
            (self.requested_start_date, "requestedStartDate"),
            (self.requested_completion_date, "requestedCompletionDate"),
        ):
            if when is not None:
                require_utc(when, what)

    @classmethod
    def of(cls, request: OrderRequest) -> OrderHeader:
        return cls(
            request.related_parties,
            request.quote_id,
            request.requested_start_date,
            request.requested_completion_date,
            request.category,
            request.description,
            request.external_id,
            request.priority,
        )

    @property
    def customer_ids(self) -> tuple[str, ...]:
        return tuple(party.id for party in self.related_parties if party.is_customer)


def order_request_from_quote(
    quote: Quote,
    *,
    customer_party: RelatedParty | None = None,
    requested_start_date: datetime | None = None,
    requested_completion_date: datetime | None = None,
    external_id: str | None = None,
) -> OrderRequest:
    """An order of everything on an (accepted) quote: one ``add`` item per quote item, bundle
    children flattened after their bundle, priced by the quote's snapshot."""
    party = customer_party or RelatedParty(quote.customer_id, "Individual", CUSTOMER_ROLE)
    items = tuple(
        _item(configured, parent) for top in quote.items for configured, parent in _walk(top.configuration, None)
    )
    return OrderRequest(
        items=items,
        related_parties=(party,),
        quote_id=quote.id,
        requested_start_date=requested_start_date,
        requested_completion_date=requested_completion_date,
        external_id=external_id,
        description=quote.description,
    )


def _walk(item: ConfiguredItem, parent: QuoteItemId | None) -> Iterator[tuple[ConfiguredItem, QuoteItemId | None]]:
    yield item, parent
    for child in item.children:
        yield from _walk(child, item.item_id)


def _item(configured: ConfiguredItem, parent: QuoteItemId | None) -> OrderItemRequest:
    # The quote item id doubles as the order item id: ids only need to be unique in one order.
    return OrderItemRequest(
        item_id=OrderItemId(configured.item_id),
        action=ItemAction.ADD,
        offering_id=configured.offering_id,
        characteristics=configured.characteristics,
        quantity=configured.quantity,
        quote_item_id=configured.item_id,
        parent_item_id=None if parent is None else OrderItemId(parent),
    )
