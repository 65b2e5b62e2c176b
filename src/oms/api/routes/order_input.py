"""From TMF622 request bodies to the application's command values.

Nested ``productOrderItem`` (a bundle's children) are flattened in document order, each child
pointing at its bundle (``parent_item_id``): the order keeps its items flat (docs/domain-order.md).
Times are converted to UTC here, because the domain takes UTC only and a client may send any
offset. Nothing the domain checks is checked here (unknown offering, a product reference on an
``add``, duplicate ids): such an order is created ``rejected`` with every reason, as TMF622 does.

An amendment is a merge patch of ``productOrderItem`` (RFC 7386 replaces arrays), so the patch is
the whole new list; :func:`amendment_of` turns it into added, modified and removed items by
comparing it, by id, with the order as it is."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from oms.api.schemas.order import CancelProductOrderCreate, ProductOrderCreate, ProductOrderItemIn, RelatedPartyIn
from oms.application.commands.amendment import RequestAmendment
from oms.application.commands.cancellation import RequestCancellation
from oms.application.commands.order import OrderItemInput, PartyInput, PlaceOrder
from oms.application.order_codecs import characteristics_from_json, characteristics_to_json
from oms.application.order_views import OrderItemView, OrderView
from oms.domain.catalog.characteristics import CharacteristicValue

Json = dict[str, Any]


def place_order_command(body: ProductOrderCreate) -> PlaceOrder:
    return PlaceOrder(
        items=order_items(body.productOrderItem),
        related_parties=related_parties(body.relatedParty),
        quote_id=body.quote[0].id if body.quote else None,
        requested_start_date=_utc(body.requestedStartDate),
        requested_completion_date=_utc(body.requestedCompletionDate),
        category=body.category,
        description=body.description,
        external_id=body.externalId,
        priority=body.priority,
    )


def cancellation_command(body: CancelProductOrderCreate, expected_version: int | None) -> RequestCancellation:
    return RequestCancellation(
        order_id=body.productOrder.id,
        reason=body.cancellationReason,
        requested_cancellation_date=_utc(body.requestedCancellationDate),
        expected_version=expected_version,
    )


def amendment_of(order: OrderView, items: list[ProductOrderItemIn], expected_version: int | None) -> RequestAmendment:
    """Compare the wanted items with the order's, by id. An item sent unchanged is left alone;
    ``quoteItem`` references and prices are not compared (the order keeps its own). Characteristics
    merge as the patch's name says: one left out keeps the value the item has (pricing filled in
    the defaults the client never sent), so only the characteristics sent are changes."""
    current = {item.id: item for item in order.items}
    wanted = tuple(_merged(item, current.get(item.id)) for item in order_items(items))
    wanted_ids = {item.id for item in wanted}
    return RequestAmendment(
        order_id=order.id,
        add=tuple(item for item in wanted if item.id not in current),
        modify=tuple(item for item in wanted if item.id in current and _changed(current[item.id], item)),
        remove=tuple(item.id for item in order.items if item.id not in wanted_ids and not _gone(item)),
        expected_version=expected_version,
    )


def order_items(items: list[ProductOrderItemIn]) -> tuple[OrderItemInput, ...]:
    return tuple(_item(item, parent) for item, parent in _flatten(items, None))


def related_parties(parties: list[RelatedPartyIn]) -> tuple[PartyInput, ...]:
    return tuple(PartyInput(p.id, p.referred_type, p.role, p.name) for p in parties)


def _flatten(items: list[ProductOrderItemIn], parent: str | None) -> Iterator[tuple[ProductOrderItemIn, str | None]]:
    for item in items:
        yield item, parent
        yield from _flatten(item.productOrderItem, item.id)


def _item(item: ProductOrderItemIn, parent: str | None) -> OrderItemInput:
    product = item.product
    characteristics: dict[str, CharacteristicValue] = {
        c.name: c.value for c in (product.productCharacteristic if product else [])
    }
    return OrderItemInput(
        id=item.id,
        action=item.action,
        offering_id=item.productOffering.id if item.productOffering else None,
        characteristics=characteristics,
        quantity=item.quantity,
        product_id=product.id if product and product.id else None,
        quote_item_id=item.quoteItem.id if item.quoteItem else None,
        parent_item_id=parent,
    )


def _merged(wanted: OrderItemInput, current: OrderItemView | None) -> OrderItemInput:
    if current is None:
        return wanted
    characteristics = {**characteristics_from_json(list(current.characteristics)), **wanted.characteristics}
    return replace(wanted, characteristics=characteristics)


def _changed(current: OrderItemView, wanted: OrderItemInput) -> bool:
    # A modify/delete item may leave its offering out (it is the product's): only a given one counts.
    offering_differs = wanted.offering_id is not None and wanted.offering_id != current.offering_id
    return (
        offering_differs
        or wanted.action != current.action
        or wanted.quantity != current.quantity
        or wanted.product_id != (None if current.action == "add" else current.product_id)
        or wanted.parent_item_id != current.parent_item_id
        or _by_name(characteristics_to_json(wanted.characteristics)) != _by_name(current.characteristics)
    )


def _by_name(characteristics: Iterable[Json]) -> dict[str, tuple[str, object]]:
    return {c["name"]: (c["valueType"], c["value"]) for c in characteristics}


def _gone(item: OrderItemView) -> bool:
    """Items already out of the order are not removed again (an amendment may not touch them)."""
    return item.state in ("cancelled", "rejected", "failed", "pendingCancellation")


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)
