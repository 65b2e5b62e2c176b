"""Amendment commands: request a change of an order's items (add, modify, remove), assess it, apply
it (the plan is revised as a difference: kept, superseded, compensated, redone and new tasks).

Requesting writes the ``order-amendment`` start request. A change to a completed (or partial)
order is not an amendment: it places a supplemental order linked to the original
(``@oms.supplementsOrder``), whose modify and delete items act on the products the original
delivered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from oms.application.commands._loading import load_catalog_version
from oms.application.commands._order_fallout import withdraw_moot
from oms.application.commands._order_input import context_items, item_requests, price_items
from oms.application.commands._order_loading import load_amendment, load_order, load_plan
from oms.application.commands._order_workflow import start_amendment, start_fulfillment
from oms.application.commands.order import OrderItemInput
from oms.application.errors import ValidationFailed
from oms.application.order_audit import (
    amendment_state,
    order_state,
    plan_state,
    record_amendment_change,
    record_order_change,
    record_plan_change,
)
from oms.application.order_views import AMENDMENT, SUPPLEMENTAL_ORDER, AmendmentView, OrderChangeView, OrderView
from oms.application.unit_of_work import UnitOfWork
from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.fulfillment.demo_rules import demo_rules
from oms.domain.fulfillment.plan import fulfillment_plan_id
from oms.domain.fulfillment.rules import RuleSet
from oms.domain.order.amendment import ProductOrderAmendment
from oms.domain.order.consistency import OrderingFacts
from oms.domain.order.items import ItemAction, ProductOrderItem
from oms.domain.order.keys import AmendmentRequestId
from oms.domain.order.lifecycle import AmendmentStatus, ItemState, OrderState
from oms.domain.order.model import ProductOrder
from oms.domain.order.request import OrderItemRequest
from oms.domain.order.supplemental import SUPPLEMENTABLE, supplemental_order
from oms.domain.shared.ids import OfferingId, OrderId, OrderItemId


@dataclass(frozen=True)
class RequestAmendment:
    """``add``: new items; ``modify``: replacements of existing items (same id); ``remove``: ids of
    items to drop. Added and modified items are priced now."""

    order_id: str
    add: tuple[OrderItemInput, ...] = ()
    modify: tuple[OrderItemInput, ...] = ()
    remove: tuple[str, ...] = ()
    expected_version: int | None = None  # of the order
    catalog_version: str | None = None


@dataclass(frozen=True)
class AssessAmendment:
    request_id: str


@dataclass(frozen=True)
class ApplyAmendment:
    request_id: str


# Items no longer part of what the order delivers.
_GONE = frozenset({ItemState.REJECTED, ItemState.CANCELLED, ItemState.PENDING_CANCELLATION, ItemState.FAILED})


def request_amendment(uow: UnitOfWork, request: RequestAmendment, *, rules: RuleSet | None = None) -> OrderChangeView:
    """An order in flight: the amendment (assessing) and its ``order-amendment`` start request. A
    completed or partial order: a supplemental order placed now (with its own fulfillment start
    request when acknowledged), whose modify and delete items act on the products the original
    delivered."""
    order = load_order(uow, request.order_id, request.expected_version)
    if order.state in SUPPLEMENTABLE:
        return _supplement(uow, order, request, rules or demo_rules())
    actor, now = uow.context.actor, uow.now
    catalog = load_catalog_version(uow, request.catalog_version)
    add, modify = item_requests(request.add), item_requests(request.modify)
    modify = tuple(_as_replacement(order, item) for item in modify)
    known = {item.item_id: item.offering_id for item in order.items if item.offering_id is not None}
    products = uow.orders.delivered_products([i.product_id for i in (*add, *modify) if i.product_id is not None])
    changing = {item.item_id for item in modify} | set(request.remove)
    kept = [item for item in order.items if item.state not in _GONE and item.item_id not in changing]
    priced, price = price_items(catalog, (*add, *modify), now, products, known, context_items(kept))
    before = order_state(order)
    amendment = ProductOrderAmendment.request(
        actor,
        order,
        request_id=AmendmentRequestId(uow.new_id()),
        now=now,
        add=priced[: len(add)],
        modify=priced[len(add) :],
        remove=tuple(OrderItemId(item_id) for item_id in request.remove),
        price=price,
    )
    uow.orders.save(order)
    uow.amendments.add(amendment)
    record_order_change(uow, "requestAmendment", order, before)
    record_amendment_change(uow, "requestAmendment", amendment, None)
    start_amendment(uow, order.id, amendment.id)
    return OrderChangeView(AMENDMENT, OrderView.of(order), AmendmentView.of(amendment))


def assess_amendment(uow: UnitOfWork, request: AssessAmendment, *, rules: RuleSet | None = None) -> AmendmentView:
    """Accepted (to be applied) or refused with reasons. Assessed before (a redelivered job):
    returned as it is."""
    amendment = load_amendment(uow, request.request_id)
    if amendment.status is not AmendmentStatus.ASSESSING:
        return AmendmentView.of(amendment)
    order = load_order(uow, amendment.order_id)
    plan = load_plan(uow, fulfillment_plan_id(order.id), for_update=True)
    before, order_before = amendment_state(amendment), order_state(order)
    amendment.assess(
        uow.context.actor, order, plan, facts=_facts(uow, order, amendment), rules=rules or demo_rules(), now=uow.now
    )
    uow.orders.save(order)
    uow.amendments.save(amendment)
    record_order_change(uow, "assessAmendment", order, order_before)
    record_amendment_change(uow, "assessAmendment", amendment, before)
    return AmendmentView.of(amendment)


def apply_amendment(uow: UnitOfWork, request: ApplyAmendment, *, rules: RuleSet | None = None) -> AmendmentView:
    """Re-checked on the plan as it is now, then the plan revision (kept, superseded, compensated,
    redone and new tasks) and the item changes together; fallout cases of superseded tasks are
    withdrawn. Refused instead when a task passed its point of no return meanwhile. Applied or
    refused before (a redelivered job): returned as it is."""
    amendment = load_amendment(uow, request.request_id)
    if amendment.status in (AmendmentStatus.APPLIED, AmendmentStatus.REFUSED):
        return AmendmentView.of(amendment)
    order = load_order(uow, amendment.order_id)
    plan = load_plan(uow, fulfillment_plan_id(order.id), for_update=True)
    before, order_before, plan_before = amendment_state(amendment), order_state(order), plan_state(plan)
    assessment = amendment.apply(
        uow.context.actor, order, plan, facts=_facts(uow, order, amendment), rules=rules or demo_rules(), now=uow.now
    )
    if assessment.accepted and assessment.revision is not None:
        uow.plans.save(plan)
        record_plan_change(uow, "reviseFulfillmentPlan", plan, plan_before)
        moot = tuple(
            case.id
            for task_id in assessment.revision.superseded
            if (case := uow.fallout_cases.live_case_of_task(plan.id, task_id)) is not None
        )
        withdraw_moot(uow, order, moot, f"the task was superseded by {amendment.scope}")
    uow.orders.save(order)
    uow.amendments.save(amendment)
    record_order_change(uow, "applyAmendment", order, order_before)
    record_amendment_change(uow, "applyAmendment", amendment, before)
    return AmendmentView.of(amendment)


def _facts(uow: UnitOfWork, order: ProductOrder, amendment: ProductOrderAmendment) -> OrderingFacts:
    """The catalog of now and the products the amended order refers to."""
    catalog = load_catalog_version(uow, None)
    referred = [i.product_id for i in order.items if i.product_id is not None] + [
        i.product_id for i in (*amendment.add, *amendment.modify) if i.product_id is not None
    ]
    return OrderingFacts.from_catalog(catalog, uow.now, products=uow.orders.delivered_products(referred))


def _as_replacement(order: ProductOrder, item: OrderItemRequest) -> OrderItemRequest:
    """A modify entry replaces the order item of the same id: what it leaves out (the offering, the
    product, the quote item that priced it, its bundle) stays as the item had it."""
    current = next((i for i in order.items if i.item_id == item.item_id), None)
    if current is None:
        return item  # the assessment refuses it: "not on the order"
    return replace(
        item,
        offering_id=item.offering_id or current.offering_id,
        product_id=item.product_id or current.product_id,
        quote_item_id=item.quote_item_id or current.quote_item_id,
        parent_item_id=item.parent_item_id or current.parent_item_id,
    )


def _supplement(uow: UnitOfWork, original: ProductOrder, request: RequestAmendment, rules: RuleSet) -> OrderChangeView:
    actor, now = uow.context.actor, uow.now
    catalog = load_catalog_version(uow, request.catalog_version)
    delivered = {item.item_id: item for item in original.items}
    unknown = [i.id for i in request.modify if i.id not in delivered] + [
        i for i in request.remove if i not in delivered
    ]
    if unknown:
        raise ValidationFailed(
            f"order {original.id!r} has no items {', '.join(unknown)}",
            {"order_id": original.id, "item_ids": unknown},
            code="unknownOrderItem",
        )
    items = (
        *item_requests(request.add),
        *(
            _supplement_item(delivered[OrderItemId(i.id)], i.characteristics, i.quantity, ItemAction.MODIFY)
            for i in request.modify
        ),
        *(_supplement_item(delivered[OrderItemId(i)], None, None, ItemAction.DELETE) for i in request.remove),
    )
    products = uow.orders.delivered_products([i.product_id for i in items if i.product_id is not None])
    offerings = {item.item_id: item.offering_id for item in items if item.offering_id is not None}
    changing = {item.item_id for item in items}
    kept = [item for item in delivered.values() if item.state is ItemState.COMPLETED and item.item_id not in changing]
    priced, price = price_items(catalog, items, now, products, offerings, context_items(kept))
    order = supplemental_order(
        actor,
        original,
        order_id=OrderId(uow.new_id()),
        items=priced,
        facts=OrderingFacts.from_catalog(catalog, now, products=products),
        rules=rules,
        now=now,
        price=price,
    )
    uow.orders.add(order)
    record_order_change(uow, "placeSupplementalOrder", order, None)
    if order.state is OrderState.ACKNOWLEDGED:
        start_fulfillment(uow, order.id)
    return OrderChangeView(SUPPLEMENTAL_ORDER, OrderView.of(order), None)


def _supplement_item(
    item: ProductOrderItem,
    characteristics: Mapping[str, CharacteristicValue] | None,
    quantity: int | None,
    action: ItemAction,
) -> OrderItemRequest:
    """An item of the original, changed or deleted: it acts on the product the item delivered."""
    return OrderItemRequest(
        item_id=item.item_id,
        action=action,
        offering_id=None if item.offering_id is None else OfferingId(item.offering_id),
        characteristics=item.characteristics if characteristics is None else characteristics,
        quantity=item.quantity if quantity is None else quantity,
        product_id=item.product_id,
        parent_item_id=item.parent_item_id,
    )
