"""From command input to the domain's order request: item actions parsed (every problem reported
at once), related parties built, and added or modified items priced now through the pricing
service, which validates their configuration against the catalog first.

An order that cannot even be priced (an unknown offering, a characteristic the offering does not
have) is bad input and nothing is written; an order that is well-formed but does not make sense
for this customer (an unknown product, a quote not accepted) is stored rejected by the domain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from oms.application.errors import ValidationFailed
from oms.domain.catalog.catalog import Catalog
from oms.domain.configuration.errors import InvalidConfiguration
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.configuration.validation import apply_defaults, configuration_problems
from oms.domain.order.consistency import ExistingProduct
from oms.domain.order.items import ItemAction, ProductOrderItem, RelatedParty
from oms.domain.order.request import OrderItemRequest
from oms.domain.pricing.calculator import price_items as price_configuration
from oms.domain.pricing.model import PriceBreakdown
from oms.domain.shared.ids import OfferingId, OrderItemId, ProductId, QuoteItemId

if TYPE_CHECKING:  # the command module defines the inputs and imports this one
    from oms.application.commands.order import OrderItemInput, PartyInput

_ACTIONS = {str(action): action for action in ItemAction}


def item_requests(inputs: Sequence[OrderItemInput]) -> tuple[OrderItemRequest, ...]:
    problems = [{"itemId": item.id, "action": item.action} for item in inputs if item.action not in _ACTIONS]
    if problems:
        raise ValidationFailed(
            f"an item action is one of {', '.join(_ACTIONS)}",
            {"problems": problems},
            code="invalidItemAction",
        )
    return tuple(_request(item) for item in inputs)


def _request(item: OrderItemInput) -> OrderItemRequest:
    return OrderItemRequest(
        item_id=OrderItemId(item.id),
        action=_ACTIONS[item.action],
        offering_id=None if item.offering_id is None else OfferingId(item.offering_id),
        characteristics=item.characteristics,
        quantity=item.quantity,
        product_id=None if item.product_id is None else ProductId(item.product_id),
        quote_item_id=None if item.quote_item_id is None else QuoteItemId(item.quote_item_id),
        parent_item_id=None if item.parent_item_id is None else OrderItemId(item.parent_item_id),
    )


def parties(inputs: Sequence[PartyInput]) -> tuple[RelatedParty, ...]:
    return tuple(RelatedParty(p.id, p.referred_type, p.role, p.name) for p in inputs)


def price_items(
    catalog: Catalog,
    items: Sequence[OrderItemRequest],
    at: datetime,
    products: Sequence[ExistingProduct] = (),
    offerings: Mapping[OrderItemId, OfferingId] | None = None,
    context: Sequence[ConfiguredItem] = (),
) -> tuple[tuple[OrderItemRequest, ...], PriceBreakdown | None]:
    """Price the items that need a price (add, modify) as one configuration: a bundle's children
    nested under it. Returns the items with the characteristics the configuration settled on
    (defaults filled in) and the breakdown, keyed by each item's ``price_key``.

    A modify item without an offering is priced as its product's offering (``products``), or the
    one ``offerings`` names (an amendment's replaced item); when neither is known it is left
    unpriced and the consistency check says why.

    ``context``: the items the order keeps (an amendment's unchanged items, the products a
    supplemental order builds on). They count for the catalog's rules across items (a TV needs a
    fiber line) but are neither priced nor checked themselves: a kept item whose offering was
    retired since must not block an unrelated change."""
    known = {p.product_id: p.offering_id for p in products}
    priced: dict[OrderItemId, ConfiguredItem] = {}
    for item in items:
        offering = item.offering_id or (offerings or {}).get(item.item_id)
        if offering is None and item.product_id is not None:
            offering = known.get(item.product_id)
        if item.action.needs_price and offering is not None:
            priced[item.item_id] = ConfiguredItem(
                QuoteItemId(item.price_key), offering, item.characteristics, item.quantity
            )
    if not priced:
        return tuple(items), None
    children: dict[OrderItemId, list[OrderItemId]] = {}
    for item in items:
        if item.item_id in priced and item.parent_item_id in priced and item.parent_item_id != item.item_id:
            children.setdefault(item.parent_item_id, []).append(item.item_id)
    nested = {child for kids in children.values() for child in kids}

    def tree(item_id: OrderItemId) -> ConfiguredItem:
        return priced[item_id].with_children(tuple(tree(child) for child in children.get(item_id, [])))

    tops = tuple(tree(item.item_id) for item in items if item.item_id in priced and item.item_id not in nested)
    changed = {configured.item_id for top in tops for configured in top.walk()}
    problems = [p for p in configuration_problems(catalog, (*tops, *context), at) if p.item_id in changed]
    if problems:
        raise InvalidConfiguration(problems)
    valid = tuple(apply_defaults(catalog, top) for top in tops)
    breakdown = price_configuration(catalog, valid, at)
    settled = {configured.item_id: configured for top in valid for configured in top.walk()}
    updated = tuple(
        replace(item, characteristics=settled[QuoteItemId(item.price_key)].characteristics)
        if item.item_id in priced and QuoteItemId(item.price_key) in settled
        else item
        for item in items
    )
    return updated, breakdown


def context_items(items: Sequence[ProductOrderItem]) -> tuple[ConfiguredItem, ...]:
    """Order items as configured items, flat, for the rules across items (``price_items``). Their
    ids are marked so they can never be taken for (or collide with) an item being priced."""
    return tuple(
        ConfiguredItem(QuoteItemId(f"@kept:{item.item_id}"), item.offering_id, item.characteristics, item.quantity)
        for item in items
        if item.offering_id is not None
    )
