"""Builders for fallout tests: a fiber plan whose reservation failed, and a case for it."""

from __future__ import annotations

from domain_builders import NOW, operator, service

from oms.domain.catalog.demo import FIBER
from oms.domain.fallout import FalloutCase, FalloutCaseId, FalloutCategory, FalloutStatus
from oms.domain.fulfillment import (
    DecompositionItem,
    FulfillmentPlan,
    ProductChange,
    TaskId,
    demo_rules,
    fulfillment_plan_id,
    plan_tasks,
)
from oms.domain.shared.ids import OrderId, OrderItemId, SpecificationId

__all__ = ["NOW", "operator", "service"]

ORDER = OrderId("o1")
RESERVE = TaskId("o1:1:reserve-resource")
PROVISION = TaskId("o1:1:provision-service")
CASE = FalloutCaseId("fc-1")


def fiber_plan() -> FulfillmentPlan:
    item = DecompositionItem(
        OrderItemId("1"), ProductChange.ADD, FIBER, SpecificationId("ps-fiber"), {"technology": "GPON"}
    )
    plan = FulfillmentPlan.create(
        service(),
        plan_id=fulfillment_plan_id(ORDER),
        order_id=ORDER,
        specs=plan_tasks(ORDER, [item], demo_rules()),
        now=NOW,
    )
    plan.pull_events()
    return plan


def fail_reservation(plan: FulfillmentPlan) -> None:
    plan.start_task(service(), RESERVE, now=NOW)
    plan.record_external_request(service(), RESERVE, now=NOW)
    plan.fail_task(
        service(),
        RESERVE,
        code="noPortFree",
        message="no free port at the street cabinet",
        now=NOW,
        details={"cabinet": "C-12"},
    )


def open_case(plan: FulfillmentPlan | None = None) -> tuple[FalloutCase, FulfillmentPlan]:
    plan = plan or fiber_plan()
    fail_reservation(plan)
    case = FalloutCase.open(
        service(), case_id=CASE, plan=plan, task_id=RESERVE, category=FalloutCategory.RESOURCE_UNAVAILABLE, now=NOW
    )
    case.pull_events()
    plan.pull_events()
    return case, plan


def case_in(status: FalloutStatus) -> tuple[FalloutCase, FulfillmentPlan]:
    """A case brought into ``status`` through the commands."""
    case, plan = open_case()
    if status is FalloutStatus.IN_REPAIR:
        case.assign(operator(), now=NOW)
    elif status is FalloutStatus.RESOLVED:
        case.retry_task(operator(), plan, now=NOW)
    elif status is FalloutStatus.CANCELLED:
        case.withdraw(service(), reason="order cancelled", now=NOW)
    assert case.status is status
    case.pull_events()
    return case, plan
