"""Builders for order tests: requests for the demo catalog, facts, and orders in any state
(brought there through the commands, never by setting the field)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from domain_builders import NOW, agent, customer, item, operator, priced, service

from oms.domain.catalog import Catalog
from oms.domain.catalog.demo import FIBER, ROUTER_BASIC, TV, demo_catalog
from oms.domain.configuration import ConfiguredItem
from oms.domain.fallout import FalloutCaseId
from oms.domain.fulfillment import FulfillmentPlan, TaskState, demo_rules, fulfillment_plan_id, plan_tasks
from oms.domain.order import (
    CancellationRequestId,
    ExistingProduct,
    ItemAction,
    OrderingFacts,
    OrderItemRequest,
    OrderRequest,
    OrderState,
    ProductOrder,
    RelatedParty,
)
from oms.domain.pricing import PriceBreakdown, PricedConfiguration
from oms.domain.shared.ids import OfferingId, OrderId, OrderItemId, ProductId

__all__ = ["NOW", "agent", "customer", "operator", "service"]

ORDER = OrderId("o1")
RULES = demo_rules()
CUSTOMER = RelatedParty("customer-1", "Individual", "customer")
FIBER_ITEM, TV_ITEM = OrderItemId("i-fiber"), OrderItemId("i-tv")
CANCEL = CancellationRequestId("c1")
CASE = FalloutCaseId("fc-1")
INSTALLED_FIBER = ExistingProduct(ProductId("prod-fiber"), FIBER, "customer-1")
INSTALLED_ROUTER = ExistingProduct(ProductId("prod-router"), ROUTER_BASIC, "customer-1")


@cache
def _catalog() -> Catalog:
    return demo_catalog()


def facts(*products: ExistingProduct) -> OrderingFacts:
    return OrderingFacts.from_catalog(_catalog(), NOW, products=products or (INSTALLED_FIBER, INSTALLED_ROUTER))


@cache
def _fiber_and_tv() -> PricedConfiguration:
    # Values are immutable, so one pricing serves every test (and keeps the folder fast).
    return priced(configured())


def configured() -> list[ConfiguredItem]:
    return [item("i-fiber", FIBER, {"downloadSpeed": 500}), item("i-tv", TV)]


def add(item_id: str, offering: OfferingId, **kwargs: object) -> OrderItemRequest:
    return OrderItemRequest(OrderItemId(item_id), ItemAction.ADD, offering, **kwargs)  # type: ignore[arg-type]


def requests_of(items: Sequence[ConfiguredItem]) -> tuple[OrderItemRequest, ...]:
    return tuple(
        OrderItemRequest(OrderItemId(i.item_id), ItemAction.ADD, i.offering_id, i.characteristics, i.quantity)
        for i in items
    )


def price_of(items: Sequence[ConfiguredItem]) -> PriceBreakdown:
    return priced(list(items)).breakdown


def request(
    items: Sequence[OrderItemRequest] | None = None, *, price: PriceBreakdown | None = None, **kwargs: object
) -> OrderRequest:
    """The fiber + TV order priced at order time, or other items (priced by ``price``)."""
    if items is None:
        items, price = requests_of(_fiber_and_tv().items), price or _fiber_and_tv().breakdown
    return OrderRequest(tuple(items), (CUSTOMER,), price=price, **kwargs)  # type: ignore[arg-type]


def place(req: OrderRequest | None = None, order_id: OrderId = ORDER) -> ProductOrder:
    order = ProductOrder.place(
        agent(), order_id=order_id, request=req or request(), facts=facts(), rules=RULES, now=NOW
    )
    order.pull_events()
    return order


def plan_for(order: ProductOrder) -> FulfillmentPlan:
    plan = FulfillmentPlan.create(
        service(),
        plan_id=fulfillment_plan_id(order.id),
        order_id=order.id,
        specs=plan_tasks(order.id, order.decomposition_items(), RULES),
        now=NOW,
    )
    plan.pull_events()
    return plan


def run(plan: FulfillmentPlan, *task_ids: str) -> None:
    """Start, send and complete tasks (all of them, in dependency order, when none are named)."""
    for task_id in task_ids or plan.topological_order():
        task = plan.task(task_id)  # type: ignore[arg-type]
        if task.state is TaskState.PENDING:
            plan.start_task(service(), task.id, now=NOW)
            plan.record_external_request(service(), task.id, now=NOW)
        if plan.task(task.id).state is TaskState.IN_PROGRESS:
            plan.complete_task(service(), task.id, external_reference=f"ext-{task.id}", now=NOW)


def started() -> tuple[ProductOrder, FulfillmentPlan]:
    order = place()
    plan = plan_for(order)
    order.start_treatment(service(), now=NOW)
    return order, plan


def order_in(state: OrderState) -> tuple[ProductOrder, FulfillmentPlan]:
    """An order (and its plan) brought into ``state`` through the commands, events pulled."""
    S = OrderState
    if state is S.REJECTED:
        order = place(request(items=()))
        return order, plan_for(place())
    if state is S.ACKNOWLEDGED:
        order = place()
        return order, plan_for(order)
    order, plan = started()
    if state is S.PENDING:
        order.request_information(service(), reason="which floor?", now=NOW)
    elif state is S.HELD:
        order.record_fallout(service(), case_id=CASE, item_id=FIBER_ITEM, now=NOW)
    elif state in (S.ASSESSING_CANCELLATION, S.PENDING_CANCELLATION, S.CANCELLED):
        order.request_cancellation(customer(), request_id=CANCEL, reason="moved abroad", now=NOW)
        if state is not S.ASSESSING_CANCELLATION:
            order.accept_cancellation(service(), request_id=CANCEL, now=NOW)
        if state is S.CANCELLED:
            order.complete_cancellation(service(), request_id=CANCEL, reason="moved abroad", now=NOW)
    elif state in (S.COMPLETED, S.FAILED, S.PARTIAL):
        failing = {S.COMPLETED: [], S.PARTIAL: [TV_ITEM], S.FAILED: [FIBER_ITEM, TV_ITEM]}[state]
        for item_id in failing:
            order.fail_item(operator(), item_id=item_id, reason="cannot be delivered", plan=plan, now=NOW)
        run(plan)
        order.close(service(), plan=plan, now=NOW)
    assert order.state is state, order.state
    order.pull_events()
    plan.pull_events()
    return order, plan
