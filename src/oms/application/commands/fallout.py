"""Fallout repair commands, by an operator: assign a case, correct its repair data, and repair it
(retry the task, complete it by hand with evidence, skip it, or give up on the order). Each repair
changes the case and the plan together, and clears the case's hold on the order; the case keeps
who repaired it, when and how."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from oms.application.commands._fallout_messages import announce_case_closed
from oms.application.commands._order_fallout import clear_hold, withdraw_moot
from oms.application.commands._order_loading import load_fallout_case, load_order, load_plan
from oms.application.commands._order_workflow import start_cancellation
from oms.application.fulfillment_views import FalloutCaseView
from oms.application.order_audit import (
    fallout_state,
    order_state,
    plan_state,
    record_cancellation_change,
    record_fallout_change,
    record_order_change,
    record_plan_change,
)
from oms.application.queries.criteria import MAX_PAGE_SIZE, PageRequest
from oms.application.queries.order_criteria import FalloutFilter
from oms.application.unit_of_work import UnitOfWork
from oms.domain.fallout.lifecycle import FalloutStatus
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.compensation import tasks_to_compensate
from oms.domain.fulfillment.plan import FulfillmentPlan
from oms.domain.order.cancellation import CancelProductOrder
from oms.domain.order.keys import CancellationRequestId
from oms.domain.order.lifecycle import OrderState
from oms.domain.shared.ids import ActorId


@dataclass(frozen=True)
class AssignFalloutCase:
    case_id: str
    assignee: str | None = None  # default: the acting operator
    expected_version: int | None = None


@dataclass(frozen=True)
class UpdateFalloutRepairData:
    case_id: str
    data: Mapping[str, str]
    expected_version: int | None = None


@dataclass(frozen=True)
class RetryFalloutTask:
    case_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class CompleteFalloutTaskManually:
    case_id: str
    evidence: str
    external_reference: str | None = None
    data: Mapping[str, str] = field(default_factory=dict)
    expected_version: int | None = None


@dataclass(frozen=True)
class SkipFalloutTask:
    case_id: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class CancelOrderFromFallout:
    """The issue cannot be solved: the order is cancelled at once when nothing needs undoing,
    otherwise a cancellation request (with its workflow) is made for it."""

    case_id: str
    reason: str
    expected_version: int | None = None


def assign_fallout_case(uow: UnitOfWork, request: AssignFalloutCase) -> FalloutCaseView:
    case = load_fallout_case(uow, request.case_id, request.expected_version)
    before = fallout_state(case)
    assignee = None if request.assignee is None else ActorId(request.assignee)
    case.assign(uow.context.actor, now=uow.now, assignee=assignee)
    uow.fallout_cases.save(case)
    record_fallout_change(uow, "assignFalloutCase", case, before)
    return FalloutCaseView.of(case)


def update_fallout_repair_data(uow: UnitOfWork, request: UpdateFalloutRepairData) -> FalloutCaseView:
    case = load_fallout_case(uow, request.case_id, request.expected_version)
    before = fallout_state(case)
    case.update_repair_data(uow.context.actor, data=request.data, now=uow.now)
    uow.fallout_cases.save(case)
    record_fallout_change(uow, "updateFalloutRepairData", case, before)
    return FalloutCaseView.of(case)


def retry_fallout_task(uow: UnitOfWork, request: RetryFalloutTask) -> FalloutCaseView:
    """The failed task runs again as a new run (a new idempotency key)."""
    return _repair(
        uow,
        request.case_id,
        request.expected_version,
        "retryFalloutTask",
        lambda case, plan: case.retry_task(uow.context.actor, plan, now=uow.now),
    )


def complete_fallout_task_manually(uow: UnitOfWork, request: CompleteFalloutTaskManually) -> FalloutCaseView:
    return _repair(
        uow,
        request.case_id,
        request.expected_version,
        "completeFalloutTaskManually",
        lambda case, plan: case.complete_task_manually(
            uow.context.actor,
            plan,
            evidence=request.evidence,
            external_reference=request.external_reference,
            data=request.data,
            now=uow.now,
        ),
    )


def skip_fallout_task(uow: UnitOfWork, request: SkipFalloutTask) -> FalloutCaseView:
    return _repair(
        uow,
        request.case_id,
        request.expected_version,
        "skipFalloutTask",
        lambda case, plan: case.skip_task(uow.context.actor, plan, reason=request.reason, now=uow.now),
    )


def cancel_order_from_fallout(uow: UnitOfWork, request: CancelOrderFromFallout) -> FalloutCaseView:
    """The operator gives up on the order. Nothing done needs undoing: the order is cancelled at
    once (its open tasks skipped, its other cases withdrawn). Otherwise a cancellation request is
    made, with its ``order-cancellation`` start request; its assessment undoes what was done."""
    actor, now = uow.context.actor, uow.now
    case = load_fallout_case(uow, request.case_id, request.expected_version)
    plan = load_plan(uow, case.plan_id, for_update=True)
    order = load_order(uow, case.order_id)
    before, plan_before, order_before = fallout_state(case), plan_state(plan), order_state(order)
    case.cancel_order(actor, plan, reason=request.reason, now=now)
    uow.fallout_cases.save(case)
    record_fallout_change(uow, "cancelOrderFromFallout", case, before)
    announce_case_closed(uow, case)
    if not tasks_to_compensate(plan.tasks) and order.state in (OrderState.HELD, OrderState.PENDING):
        others = tuple(c.id for c in _live_cases_of(uow, order.id) if c.id != case.id)
        order.cancel_unsolvable(actor, reason=request.reason, plan=plan, now=now)
        plan.skip_open_tasks(actor, reason=f"order cancelled: {request.reason}", now=now)
        uow.plans.save(plan)
        record_plan_change(uow, "skipTasksOfCancelledOrder", plan, plan_before)
        withdraw_moot(uow, order, others, "the order was cancelled")
    else:
        request_id = CancellationRequestId(uow.new_id())
        cancellation = CancelProductOrder.request(actor, order, request_id=request_id, reason=request.reason, now=now)
        uow.cancellations.add(cancellation)
        record_cancellation_change(uow, "requestCancellation", cancellation, None)
        start_cancellation(uow, order.id, request_id)
    uow.orders.save(order)
    record_order_change(uow, "cancelOrderFromFallout", order, order_before)
    return FalloutCaseView.of(case)


def _repair(
    uow: UnitOfWork,
    case_id: str,
    expected_version: int | None,
    action: str,
    repair: Callable[[FalloutCase, FulfillmentPlan], object],
) -> FalloutCaseView:
    """A repair changes the plan (through the plan's own command, which may refuse) and resolves
    the case; the order (or the cancel request) no longer waits for it."""
    case = load_fallout_case(uow, case_id, expected_version)
    plan = load_plan(uow, case.plan_id, for_update=True)
    order = load_order(uow, case.order_id)
    before, plan_before, order_before = fallout_state(case), plan_state(plan), order_state(order)
    repair(case, plan)
    uow.plans.save(plan)
    uow.fallout_cases.save(case)
    record_plan_change(uow, action, plan, plan_before)
    record_fallout_change(uow, action, case, before)
    announce_case_closed(uow, case)
    clear_hold(uow, order, case)
    if order.version != order_before["version"]:
        uow.orders.save(order)
        record_order_change(uow, "clearFallout", order, order_before)
    return FalloutCaseView.of(case)


def _live_cases_of(uow: UnitOfWork, order_id: str) -> list[FalloutCase]:
    """Every live case of the order, page after page: each one left behind would keep its hold."""
    criteria = FalloutFilter(order_id=order_id, statuses=frozenset({FalloutStatus.OPEN, FalloutStatus.IN_REPAIR}))
    cases, total = uow.fallout_cases.search(criteria, PageRequest(0, MAX_PAGE_SIZE))
    while len(cases) < total:
        more, total = uow.fallout_cases.search(criteria, PageRequest(len(cases), MAX_PAGE_SIZE))
        if not more:
            break
        cases.extend(more)
    return cases
