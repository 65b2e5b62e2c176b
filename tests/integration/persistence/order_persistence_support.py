"""Order aggregates for the persistence tests, built through the domain's own commands so every
field a repository must keep is filled in the way the domain fills it."""

from __future__ import annotations

from datetime import timedelta

from persistence_support import NOW, new_id

from oms.domain.catalog.demo import FIBER, TV, demo_catalog
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.fallout.events import FalloutCaseId
from oms.domain.fallout.lifecycle import FalloutCategory
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.decomposition import plan_tasks
from oms.domain.fulfillment.demo_rules import demo_rules
from oms.domain.fulfillment.plan import FulfillmentPlan, fulfillment_plan_id
from oms.domain.fulfillment.tasks import TaskId
from oms.domain.order.consistency import OrderingFacts
from oms.domain.order.items import CUSTOMER_ROLE, ItemAction, RelatedParty
from oms.domain.order.model import ProductOrder
from oms.domain.order.request import OrderItemRequest, OrderRequest
from oms.domain.pricing.service import configure_and_price
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId, OfferingId, OrderId, OrderItemId, QuoteItemId

CUSTOMER = Actor(ActorKind.CUSTOMER_CLIENT, ActorId("portal-1"))
WORKER = Actor(ActorKind.SERVICE, ActorId("order-worker"))
OPERATOR = Actor(ActorKind.OPERATOR, ActorId("operator-1"))
LATER = NOW + timedelta(hours=1)


def placed_order(order_id: str | None = None) -> ProductOrder:
    """Fiber and TV, priced now, acknowledged."""
    configured = (
        ConfiguredItem(QuoteItemId("fiber"), OfferingId(FIBER), {"downloadSpeed": 1000}),
        ConfiguredItem(QuoteItemId("tv"), OfferingId(TV)),
    )
    priced = configure_and_price(demo_catalog(), configured, NOW)
    request = OrderRequest(
        items=tuple(
            OrderItemRequest(OrderItemId(c.item_id), ItemAction.ADD, c.offering_id, c.characteristics)
            for c in priced.items
        ),
        related_parties=(RelatedParty("customer-1", "Individual", CUSTOMER_ROLE, "Ada"),),
        price=priced.breakdown,
        requested_start_date=NOW + timedelta(days=3),
        requested_completion_date=NOW + timedelta(days=10),
        category="residential",
        description="fiber and tv",
        external_id="ext-1",
        priority="2",
    )
    return ProductOrder.place(
        CUSTOMER,
        order_id=OrderId(order_id or new_id("o")),
        request=request,
        facts=OrderingFacts.from_catalog(demo_catalog(), NOW),
        rules=demo_rules(),
        now=NOW,
    )


def plan_of(order: ProductOrder) -> FulfillmentPlan:
    return FulfillmentPlan.create(
        WORKER,
        plan_id=fulfillment_plan_id(order.id),
        order_id=order.id,
        specs=plan_tasks(order.id, order.decomposition_items(), demo_rules()),
        now=NOW,
    )


def fiber_task(order: ProductOrder, task_type: str) -> TaskId:
    return TaskId(f"{order.id}:fiber:{task_type}")


def order_in_fallout() -> tuple[ProductOrder, FulfillmentPlan, FalloutCase]:
    """Running, reservation completed, provisioning failed with a business error, case open."""
    order = placed_order()
    plan = plan_of(order)
    order.start_treatment(WORKER, now=NOW)
    reserve, provision = fiber_task(order, "reserve-resource"), fiber_task(order, "provision-service")
    plan.start_task(WORKER, reserve, now=NOW)
    plan.record_external_request(WORKER, reserve, now=NOW)
    plan.complete_task(WORKER, reserve, external_reference="port-17", data={"port": "17"}, now=LATER)
    plan.start_task(WORKER, provision, now=LATER)
    plan.record_technical_failure(WORKER, provision, code="timeout", message="5 s", now=LATER)
    plan.fail_task(WORKER, provision, code="badAddress", message="address unknown", details={"zip": "?"}, now=LATER)
    case = FalloutCase.open(
        WORKER,
        case_id=FalloutCaseId(new_id("case")),
        plan=plan,
        task_id=provision,
        category=FalloutCategory.DATA_ERROR,
        now=LATER,
    )
    order.record_fallout(WORKER, case_id=case.id, item_id=case.item_id, now=LATER)
    return order, plan, case
