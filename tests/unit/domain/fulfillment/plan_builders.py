"""Builders for fulfillment tests: demo items, plans, and tasks driven into any state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from domain_builders import NOW, operator, service

from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.catalog.demo import FIBER, FIBER_TV_BUNDLE, INSTALLATION, ROUTER_BASIC, STATIC_IP, TV
from oms.domain.fulfillment import (
    DecompositionItem,
    FulfillmentPlan,
    PlanId,
    ProductChange,
    TaskId,
    TaskState,
    demo_rules,
    fulfillment_plan_id,
    plan_tasks,
)
from oms.domain.pricing.model import ChargeTotals
from oms.domain.shared import Money
from oms.domain.shared.ids import OfferingId, OrderId, OrderItemId, ProductId, SpecificationId

__all__ = ["NOW", "operator", "service"]

ORDER = OrderId("o1")
RULES = demo_rules()
SPECS: dict[OfferingId, SpecificationId | None] = {
    FIBER: SpecificationId("ps-fiber"),
    STATIC_IP: SpecificationId("ps-static-ip"),
    ROUTER_BASIC: SpecificationId("ps-router"),
    TV: SpecificationId("ps-tv"),
    INSTALLATION: SpecificationId("ps-installation"),
    FIBER_TV_BUNDLE: None,
}


def price(monthly: str = "29.99", once: str = "0.00") -> ChargeTotals:
    return ChargeTotals(Money.of(once, "EUR"), Money.of(monthly, "EUR"))


def ditem(
    item_id: str,
    offering: OfferingId,
    change: ProductChange | None = ProductChange.ADD,
    characteristics: Mapping[str, CharacteristicValue] | None = None,
    *,
    quantity: int = 1,
    product_id: str | None = None,
    monthly: str | None = None,
) -> DecompositionItem:
    return DecompositionItem(
        OrderItemId(item_id),
        change,
        offering,
        SPECS[offering],
        dict(characteristics or {}),
        quantity,
        None if monthly is None else price(monthly),
        None if product_id is None else ProductId(product_id),
    )


def fiber(
    item_id: str = "1", speed: int = 500, change: ProductChange = ProductChange.ADD, monthly: str = "39.99"
) -> DecompositionItem:
    product = None if change is ProductChange.ADD else f"prod-{item_id}"
    characteristics: dict[str, CharacteristicValue] = {"downloadSpeed": speed, "technology": "GPON"}
    return ditem(item_id, FIBER, change, characteristics, product_id=product, monthly=monthly)


def demo_items() -> list[DecompositionItem]:
    """Fiber, TV, router and a technician installation, all added."""
    return [
        fiber("1"),
        ditem("2", TV, characteristics={"channelPackage": "basic", "setTopBoxes": 1}, monthly="12.00"),
        ditem("3", ROUTER_BASIC, characteristics={"acquisition": "rent"}, monthly="3.00"),
        ditem("4", INSTALLATION, characteristics={"installationType": "technician"}, monthly="0.00"),
    ]


def new_plan(items: Sequence[DecompositionItem] | None = None, order_id: OrderId = ORDER) -> FulfillmentPlan:
    plan = FulfillmentPlan.create(
        service(),
        plan_id=fulfillment_plan_id(order_id),
        order_id=order_id,
        specs=plan_tasks(order_id, items if items is not None else demo_items(), RULES),
        now=NOW,
    )
    plan.pull_events()
    return plan


def tid(item_id: str, task_type: str, order_id: str = "o1") -> TaskId:
    return TaskId(f"{order_id}:{item_id}:{task_type}")


def start(plan: FulfillmentPlan, task_id: TaskId, *, send: bool = True) -> None:
    plan.start_task(service(), task_id, now=NOW)
    if send:
        plan.record_external_request(service(), task_id, now=NOW)


def complete(plan: FulfillmentPlan, *task_ids: TaskId) -> None:
    """Start (if needed), send and complete each task, in the order given."""
    for task_id in task_ids:
        if plan.task(task_id).state is TaskState.PENDING:
            start(plan, task_id)
        plan.complete_task(service(), task_id, external_reference=f"ext-{task_id}", now=NOW)


def fail(plan: FulfillmentPlan, task_id: TaskId, code: str = "addressUnknown") -> None:
    start(plan, task_id)
    plan.fail_task(service(), task_id, code=code, message="the address is unknown", now=NOW, details={"field": "x"})


def run_all(plan: FulfillmentPlan) -> None:
    """Complete every task in dependency order."""
    complete(plan, *plan.topological_order())


def drive(plan: FulfillmentPlan, task_id: TaskId, state: TaskState) -> None:
    """Bring one (ready) task into ``state`` through the commands."""
    if state is TaskState.PENDING:
        return
    if state is TaskState.SKIPPED:
        plan.skip_task(service(), task_id, reason="not needed", now=NOW)
        return
    start(plan, task_id)
    if state is TaskState.COMPLETED:
        plan.complete_task(service(), task_id, external_reference="ext", now=NOW)
    elif state is TaskState.FAILED:
        plan.fail_task(service(), task_id, code="rejected", message="refused", now=NOW)


def cancellation_id(plan: FulfillmentPlan) -> PlanId:
    return PlanId(f"{plan.order_id}:cancellation:c1")


ZERO = Decimal(0)
