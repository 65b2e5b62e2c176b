"""How items move when the order moves: tables of "item state -> target (or path)", walked on
the item picture's edges, and the fallout holds that keep an order ``held``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from oms.domain.fallout.events import FalloutCaseId
from oms.domain.order.consistency import CheckedItem
from oms.domain.order.items import ItemAction, ProductOrderItem, realized_product_id
from oms.domain.order.lifecycle import ITEM_EDGES, ItemState
from oms.domain.shared.errors import IllegalTransition
from oms.domain.shared.ids import OrderId, OrderItemId

IS = ItemState
# What to do with one item when the order moves: a path of item states (empty: leave it).
ItemMove = Callable[[ProductOrderItem], tuple[ItemState, ...]]


@dataclass(frozen=True)
class FalloutHold:
    """An open fallout case and the item whose task fell out (``@oms.falloutStatus``)."""

    case_id: FalloutCaseId
    item_id: OrderItemId


ASSESSABLE = frozenset({IS.IN_PROGRESS, IS.PENDING, IS.HELD})
TO_CANCELLED: dict[ItemState, ItemState | tuple[ItemState, ...]] = {
    IS.HELD: IS.CANCELLED,
    IS.PENDING: IS.CANCELLED,
    IS.PENDING_CANCELLATION: IS.CANCELLED,
}


def moves_from(
    *tables: Mapping[ItemState, ItemState | tuple[ItemState, ...]],
    only: set[OrderItemId] | None = None,
) -> ItemMove:
    """An item move from tables "from state -> target (or path)", optionally for some items only."""
    paths: dict[ItemState, tuple[ItemState, ...]] = {}
    for table in tables:
        for source, target in table.items():
            paths[source] = target if isinstance(target, tuple) else (target,)

    def move(item: ProductOrderItem) -> tuple[ItemState, ...]:
        if only is not None and item.item_id not in only:
            return ()
        return paths.get(item.state, ())

    return move


def resume_move(item: ProductOrderItem) -> tuple[ItemState, ...]:
    if item.state is IS.ASSESSING_CANCELLATION:
        return (item.resume_state or IS.IN_PROGRESS,)
    return ()


def walk_item(item: ProductOrderItem, path: tuple[ItemState, ...]) -> ProductOrderItem:
    for target in path:
        if (item.state, target) not in ITEM_EDGES:
            raise IllegalTransition("ProductOrderItem", item.item_id, item.state, f"move to {target}")
        item = replace(item, state=target)
    return item


def amended_items(
    items: Sequence[ProductOrderItem],
    *,
    added: Sequence[CheckedItem],
    modified: Sequence[CheckedItem],
    removed: Sequence[OrderItemId],
    join: ItemState,
) -> tuple[ProductOrderItem, ...]:
    """The items after an amendment: modified ones keep their state, removed ones go to
    ``pendingCancellation`` (through assessingCancellation, as the item picture draws it), added
    ones enter ``acknowledged`` and join the order's treatment state."""
    changed = {checked.request.item_id: checked for checked in modified}
    result = []
    for item in items:
        if item.item_id in changed:
            item = replace(changed[item.item_id].to_item(item.state), resume_state=item.resume_state)
        if item.item_id in removed:
            item = walk_item(item, (IS.ASSESSING_CANCELLATION, IS.PENDING_CANCELLATION))
        result.append(item)
    result.extend(walk_item(checked.to_item(IS.ACKNOWLEDGED), (join,)) for checked in added)
    return tuple(result)


def with_realized_product(order_id: OrderId, item: ProductOrderItem) -> ProductOrderItem:
    """A completed ``add`` item now refers to the product it created."""
    if item.action is ItemAction.ADD and item.state is IS.COMPLETED:
        return replace(item, product_id=realized_product_id(order_id, item.item_id))
    return item
