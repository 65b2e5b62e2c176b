"""What the order-fulfillment process runs next: the stage of the plan's ready tasks
(``reserve-resource``, ``provision-service``, ``activate-billing``) or ``close`` (docs/processes.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from oms.application.commands._order_loading import load_plan
from oms.application.unit_of_work import UnitOfWork
from oms.domain.fulfillment.plan import FulfillmentPlan, fulfillment_plan_id
from oms.domain.fulfillment.tasks import FulfillmentTask, TargetSystem, TaskState
from oms.domain.shared.ids import OrderId

RESERVE_RESOURCE: Final = "reserve-resource"
PROVISION_SERVICE: Final = "provision-service"
ACTIVATE_BILLING: Final = "activate-billing"
CLOSE: Final = "close"
NEXT_STEPS: Final = (RESERVE_RESOURCE, PROVISION_SERVICE, ACTIVATE_BILLING, CLOSE)

STAGE_OF_SYSTEM: Final[Mapping[TargetSystem, str]] = {
    TargetSystem.INVENTORY: RESERVE_RESOURCE,
    TargetSystem.LOGISTICS: RESERVE_RESOURCE,
    TargetSystem.FIELD_SERVICE: RESERVE_RESOURCE,
    TargetSystem.PROVISIONING: PROVISION_SERVICE,
    TargetSystem.BILLING: ACTIVATE_BILLING,
}


def stage_of(task: FulfillmentTask) -> str:
    return STAGE_OF_SYSTEM[task.target_system]


def next_step(plan: FulfillmentPlan) -> str:
    """The stage of the first ready task (dependency order); else of a task still in progress (a
    step to finish) or failed (its fallout case stands); ``close`` when nothing is left."""
    tasks = [plan.task(task_id) for task_id in plan.topological_order()]
    ready = {task.id for task in plan.ready_tasks()}
    firsts = (
        next((task for task in tasks if task.id in ready), None),
        next((task for task in tasks if task.state is TaskState.IN_PROGRESS), None),
        next((task for task in tasks if task.state is TaskState.FAILED), None),
    )
    first = next((task for task in firsts if task is not None), None)
    return CLOSE if first is None else stage_of(first)


def next_step_of_order(uow: UnitOfWork, order_id: str) -> str:
    return next_step(load_plan(uow, fulfillment_plan_id(OrderId(order_id))))
