"""Values of a product order: item actions, related parties, and the order items with their state.

Items are flat: a bundle's children are items of their own pointing at the bundle item
(``parent_item_id``, TMF ``productOrderItemRelationship`` "bundled"), so every item has one state
and decomposition sees the leaf products it must fulfil."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.fulfillment.rules import DecompositionItem, ProductChange
from oms.domain.order.lifecycle import ItemState
from oms.domain.pricing.model import ChargeTotals, ItemPrice
from oms.domain.shared.errors import DomainError
from oms.domain.shared.ids import OfferingId, OrderId, OrderItemId, ProductId, QuoteItemId, SpecificationId


class ItemAction(StrEnum):
    """TMF622 ``OrderItemActionType``."""

    ADD = "add"
    MODIFY = "modify"
    DELETE = "delete"
    NO_CHANGE = "noChange"

    @property
    def change(self) -> ProductChange | None:
        return None if self is ItemAction.NO_CHANGE else ProductChange(self.value)

    @property
    def needs_existing_product(self) -> bool:
        return self is not ItemAction.ADD

    @property
    def needs_price(self) -> bool:
        return self in (ItemAction.ADD, ItemAction.MODIFY)


class InvalidRelatedParty(DomainError):
    code = "invalidRelatedParty"

    def __init__(self, party_id: str, reason: str) -> None:
        super().__init__(f"related party {party_id!r}: {reason}", party_id=party_id, reason=reason)


class UnknownOffering(DomainError):
    """Only a rejected order has an item without offering, and a rejected order is never fulfilled."""

    code = "unknownOffering"

    def __init__(self, item_id: str) -> None:
        super().__init__(f"item {item_id!r} has no offering", item_id=item_id)


CUSTOMER_ROLE = "customer"


@dataclass(frozen=True)
class RelatedParty:
    """TMF ``RelatedParty``: ``id`` and ``@referredType`` are required by the schema."""

    id: str
    referred_type: str
    role: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidRelatedParty(self.id, "needs an id")
        if not self.referred_type:
            raise InvalidRelatedParty(self.id, "needs an @referredType")

    @property
    def is_customer(self) -> bool:
        return (self.role or "").lower() == CUSTOMER_ROLE


def frozen_characteristics(values: Mapping[str, CharacteristicValue]) -> Mapping[str, CharacteristicValue]:
    return MappingProxyType(dict(sorted(values.items())))


@dataclass(frozen=True)
class ProductOrderItem:
    item_id: OrderItemId
    action: ItemAction
    offering_id: OfferingId | None  # None only on a rejected order (an added item without offering)
    state: ItemState
    specification_id: SpecificationId | None = None
    characteristics: Mapping[str, CharacteristicValue] = field(default_factory=dict, hash=False)
    quantity: int = 1
    product_id: ProductId | None = None  # the existing product a modify/delete/noChange acts on
    price: ItemPrice | None = None  # the snapshot it was ordered at (own lines; children have theirs)
    quote_item_id: QuoteItemId | None = None
    parent_item_id: OrderItemId | None = None
    resume_state: ItemState | None = None  # where a denied cancellation takes the item back to

    def __post_init__(self) -> None:
        object.__setattr__(self, "characteristics", frozen_characteristics(self.characteristics))

    @property
    def own_totals(self) -> ChargeTotals | None:
        """The item's own charges (a bundle's children are priced on their own items)."""
        if self.price is None:
            return None
        return ChargeTotals.of_lines(self.price.lines, self.price.currency)

    def decomposition_item(self) -> DecompositionItem:
        if self.offering_id is None:
            raise UnknownOffering(self.item_id)
        return DecompositionItem(
            item_id=self.item_id,
            change=self.action.change,
            offering_id=self.offering_id,
            specification_id=self.specification_id,
            characteristics=self.characteristics,
            quantity=self.quantity,
            price=self.own_totals,
            product_id=self.product_id,
        )


def realized_product_id(order_id: OrderId, item_id: OrderItemId) -> ProductId:
    """The id of the product an ``add`` item creates. Derived, not generated, so the inventory
    and a later supplemental order agree on it without asking each other."""
    return ProductId(f"{order_id}:{item_id}")
