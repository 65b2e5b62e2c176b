"""Loading helpers of the order commands: an aggregate of this tenant or ``NotFound``, optionally
at the version the caller read (``If-Match``)."""

from __future__ import annotations

from oms.application.errors import NotFound, StaleVersion
from oms.application.unit_of_work import UnitOfWork
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.plan import FulfillmentPlan
from oms.domain.fulfillment.tasks import FulfillmentTask, TaskId
from oms.domain.order.amendment import ProductOrderAmendment
from oms.domain.order.cancellation import CancelProductOrder
from oms.domain.order.model import ProductOrder


def _check_version(kind: str, entity_id: str, expected: int | None, actual: int) -> None:
    if expected is not None and actual != expected:
        raise StaleVersion(kind, entity_id, expected, actual)


def load_order(uow: UnitOfWork, order_id: str, expected_version: int | None = None) -> ProductOrder:
    order = uow.orders.get(order_id)
    if order is None:
        raise NotFound.of("productOrder", order_id)
    _check_version("productOrder", order_id, expected_version, order.version)
    return order


def load_plan(uow: UnitOfWork, plan_id: str, *, for_update: bool = False) -> FulfillmentPlan:
    plan = uow.plans.get(plan_id, for_update=for_update)
    if plan is None:
        raise NotFound.of("fulfillmentPlan", plan_id)
    return plan


def plan_task(plan: FulfillmentPlan, task_id: str) -> FulfillmentTask:
    """A task of the plan; a task id the plan does not have is not found (not a bad request)."""
    if task_id not in plan.task_ids:
        raise NotFound.of("fulfillmentTask", task_id)
    return plan.task(TaskId(task_id))


def load_cancellation(uow: UnitOfWork, request_id: str) -> CancelProductOrder:
    request = uow.cancellations.get(request_id)
    if request is None:
        raise NotFound.of("cancelProductOrder", request_id)
    return request


def load_amendment(uow: UnitOfWork, request_id: str) -> ProductOrderAmendment:
    amendment = uow.amendments.get(request_id)
    if amendment is None:
        raise NotFound.of("productOrderAmendment", request_id)
    return amendment


def load_fallout_case(uow: UnitOfWork, case_id: str, expected_version: int | None = None) -> FalloutCase:
    case = uow.fallout_cases.get(case_id)
    if case is None:
        raise NotFound.of("falloutCase", case_id)
    _check_version("falloutCase", case_id, expected_version, case.version)
    return case
