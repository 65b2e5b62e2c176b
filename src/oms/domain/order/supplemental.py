"""Supplemental orders: a change to an order that is already completed is a new order linked to
it (extension ``@oms.supplementsOrder``), not an amendment. It modifies or deletes the products
the original created, or adds new ones, and goes through the same consistency check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from oms.domain.fulfillment.rules import RuleSet
from oms.domain.order.consistency import ExistingProduct, OrderingFacts
from oms.domain.order.errors import OrderNotSupplementable
from oms.domain.order.items import ItemAction, RelatedParty
from oms.domain.order.lifecycle import ItemState, OrderState
from oms.domain.order.model import ProductOrder
from oms.domain.order.request import OrderItemRequest, OrderRequest
from oms.domain.pricing.model import PriceBreakdown
from oms.domain.shared.actors import Actor
from oms.domain.shared.ids import OrderId

# A partial order delivered some of its items: those can be supplemented too.
SUPPLEMENTABLE = frozenset({OrderState.COMPLETED, OrderState.PARTIAL})


def delivered_products(order: ProductOrder) -> tuple[ExistingProduct, ...]:
    """The products the order created (completed ``add`` items), owned by its customer."""
    owner = next(iter(order.header.customer_ids), None)
    return tuple(
        ExistingProduct(item.product_id, item.offering_id, owner)
        for item in order.items
        if item.action is ItemAction.ADD
        and item.state is ItemState.COMPLETED
        and item.product_id is not None
        and item.offering_id is not None
    )


def supplemental_order(
    actor: Actor,
    original: ProductOrder,
    *,
    order_id: OrderId,
    items: Sequence[OrderItemRequest],
    facts: OrderingFacts,
    rules: RuleSet,
    now: datetime,
    price: PriceBreakdown | None = None,
    related_parties: Sequence[RelatedParty] | None = None,
    description: str = "",
) -> ProductOrder:
    """A new order (acknowledged, or rejected with reasons) linked to ``original``. Its items
    reference the original's products (``ProductOrderItem.product_id`` of the completed items);
    those are known to the check even before the inventory has them."""
    if original.state not in SUPPLEMENTABLE:
        raise OrderNotSupplementable(original.id, original.state)
    products = {**facts.products, **{p.product_id: p for p in delivered_products(original)}}
    request = OrderRequest(
        items=tuple(items),
        related_parties=tuple(related_parties if related_parties is not None else original.header.related_parties),
        price=price,
        category=original.header.category,
        description=description or f"supplements order {original.id}",
    )
    return ProductOrder.place(
        actor,
        order_id=order_id,
        request=request,
        facts=OrderingFacts(facts.offerings, products, facts.quote),
        rules=rules,
        now=now,
        supplements_order_id=original.id,
    )
