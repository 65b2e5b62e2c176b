"""Product order commands: place an order (priced now, or from an accepted quote's snapshot), start
its treatment, fail an item, close it.

The application does what the domain leaves to it (docs/domain-order.md): ids, the clock
(``uow.now``), the catalog, the products the tenant's orders delivered, the quote, pricing
(``configure_and_price``) and the decomposition rules. An acknowledged order gets its
``order-fulfillment`` workflow start request in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from oms.application.commands._loading import load_catalog_version
from oms.application.commands._order_input import item_requests, parties, price_items
from oms.application.commands._order_loading import load_order, load_plan
from oms.application.commands._order_workflow import start_fulfillment
from oms.application.order_audit import order_state, plan_state, record_order_change, record_plan_change
from oms.application.order_views import OrderView
from oms.application.unit_of_work import UnitOfWork
from oms.domain.approval.authorization import require
from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.fulfillment.demo_rules import demo_rules
from oms.domain.fulfillment.plan import fulfillment_plan_id
from oms.domain.fulfillment.rules import RuleSet
from oms.domain.order.authorization import can_place_order
from oms.domain.order.consistency import OrderingFacts, QuoteFacts
from oms.domain.order.items import CUSTOMER_ROLE
from oms.domain.order.lifecycle import OrderState
from oms.domain.order.model import ProductOrder
from oms.domain.order.request import OrderRequest, order_request_from_quote
from oms.domain.shared.ids import OrderId, OrderItemId, QuoteId


@dataclass(frozen=True)
class PartyInput:
    """TMF ``relatedParty``; the party with role ``customer`` is the order's customer."""

    id: str
    referred_type: str = "Individual"
    role: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class OrderItemInput:
    """One ``productOrderItem`` as asked. ``action`` is TMF's: add, modify, delete, noChange (anything
    else is refused). For modify/delete/noChange ``product_id`` names the existing product and the
    offering may be left out."""

    id: str
    action: str
    offering_id: str | None = None
    characteristics: Mapping[str, CharacteristicValue] = field(default_factory=dict)
    quantity: int = 1
    product_id: str | None = None
    quote_item_id: str | None = None  # the quote item that prices it (orders from a quote)
    parent_item_id: str | None = None  # the bundle item it belongs to


@dataclass(frozen=True)
class PlaceOrder:
    """Without ``quote_id`` the items are priced now against the catalog. With ``quote_id`` the
    accepted quote's snapshot prices them, and no items means "everything on the quote"."""

    items: tuple[OrderItemInput, ...] = ()
    related_parties: tuple[PartyInput, ...] = ()
    quote_id: str | None = None
    requested_start_date: datetime | None = None
    requested_completion_date: datetime | None = None
    category: str | None = None
    description: str = ""
    external_id: str | None = None
    priority: str | None = None
    catalog_version: str | None = None  # default: the tenant's active catalog


@dataclass(frozen=True)
class StartOrderTreatment:
    order_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class FailOrderItem:
    order_id: str
    item_id: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class CloseOrder:
    order_id: str
    expected_version: int | None = None


def place_order(uow: UnitOfWork, request: PlaceOrder, *, rules: RuleSet | None = None) -> OrderView:
    """Acknowledged (with the fulfillment start request) or rejected with every reason. Input that
    cannot be priced raises ``ValidationFailed`` and writes nothing."""
    actor, now = uow.context.actor, uow.now
    # Checked before anything is looked up, so an actor who may not order learns nothing.
    require(can_place_order(actor), actor, "place an order")
    catalog = load_catalog_version(uow, request.catalog_version)
    items = item_requests(request.items)
    related = parties(request.related_parties)
    quote = None if request.quote_id is None else uow.quotes.get(request.quote_id)
    products = uow.orders.delivered_products([item.product_id for item in items if item.product_id is not None])
    price = None
    if request.quote_id is None:
        items, price = price_items(catalog, items, now, products)
    order_request = OrderRequest(
        items=items,
        related_parties=related,
        quote_id=None if request.quote_id is None else QuoteId(request.quote_id),
        price=price,
        requested_start_date=request.requested_start_date,
        requested_completion_date=request.requested_completion_date,
        category=request.category,
        description=request.description,
        external_id=request.external_id,
        priority=request.priority,
    )
    if quote is not None and not items:
        customer = next((party for party in related if (party.role or "").lower() == CUSTOMER_ROLE), None)
        whole_quote = order_request_from_quote(quote, customer_party=customer)
        order_request = replace(
            order_request,
            items=whole_quote.items,
            related_parties=related or whole_quote.related_parties,
            description=request.description or whole_quote.description,
        )
    facts = OrderingFacts.from_catalog(
        catalog, now, products=products, quote=None if quote is None else QuoteFacts.of(quote)
    )
    order = ProductOrder.place(
        actor, order_id=OrderId(uow.new_id()), request=order_request, facts=facts, rules=rules or demo_rules(), now=now
    )
    uow.orders.add(order)
    record_order_change(uow, "placeOrder", order, None)
    if order.state is OrderState.ACKNOWLEDGED:
        start_fulfillment(uow, order.id)
    return OrderView.of(order)


def start_order_treatment(uow: UnitOfWork, request: StartOrderTreatment) -> OrderView:
    order = load_order(uow, request.order_id, request.expected_version)
    before = order_state(order)
    order.start_treatment(uow.context.actor, now=uow.now)
    uow.orders.save(order)
    record_order_change(uow, "startOrderTreatment", order, before)
    return OrderView.of(order)


def fail_order_item(uow: UnitOfWork, request: FailOrderItem) -> OrderView:
    """Give up on one item: its open tasks are skipped, so the rest of the order can close (partial)."""
    order = load_order(uow, request.order_id, request.expected_version)
    plan = load_plan(uow, fulfillment_plan_id(order.id), for_update=True)
    before, plan_before = order_state(order), plan_state(plan)
    order.fail_item(
        uow.context.actor, item_id=OrderItemId(request.item_id), reason=request.reason, plan=plan, now=uow.now
    )
    uow.plans.save(plan)
    uow.orders.save(order)
    record_plan_change(uow, "skipTasksOfFailedItem", plan, plan_before)
    record_order_change(uow, "failOrderItem", order, before)
    return OrderView.of(order)


def close_order(uow: UnitOfWork, request: CloseOrder) -> OrderView:
    """Refused (``planNotClosable``) until every task of the plan is completed or skipped."""
    order = load_order(uow, request.order_id, request.expected_version)
    plan = load_plan(uow, fulfillment_plan_id(order.id), for_update=True)
    before = order_state(order)
    order.close(uow.context.actor, plan=plan, now=uow.now)
    uow.orders.save(order)
    record_order_change(uow, "closeOrder", order, before)
    return OrderView.of(order)
