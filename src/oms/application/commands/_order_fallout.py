"""Fallout bookkeeping shared by the task, repair, cancellation and amendment commands: opening a
case for a task that failed (and holding the order), clearing a repaired case's hold, and
withdrawing cases that became moot. Callers save the order and the cancel request they pass."""

from __future__ import annotations

from oms.application.commands._fallout_messages import announce_case_closed
from oms.application.commands._order_loading import load_cancellation
from oms.application.commands._order_workflow import start_fallout_repair
from oms.application.order_audit import fallout_state, record_fallout_change
from oms.application.unit_of_work import UnitOfWork
from oms.domain.fallout.events import FalloutCaseId
from oms.domain.fallout.lifecycle import FalloutCategory
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose
from oms.domain.fulfillment.tasks import TaskId
from oms.domain.order.cancellation import CancellationState
from oms.domain.order.model import ProductOrder


def open_fallout(
    uow: UnitOfWork, order: ProductOrder, plan: FulfillmentPlan, task_id: TaskId, category: FalloutCategory
) -> FalloutCase:
    """A case for a task that just failed with a business error, recorded on the order (which a
    running order turns into ``held``), with its ``fallout-repair`` start request. A failed
    compensation task is recorded through its cancel request (category compensationFailed)."""
    actor, now = uow.context.actor, uow.now
    case_id = FalloutCaseId(uow.new_id())
    if plan.purpose is PlanPurpose.COMPENSATION and order.cancellation_request_id is not None:
        cancellation = load_cancellation(uow, order.cancellation_request_id)
        case = cancellation.open_compensation_fallout(actor, order, plan, task_id=task_id, case_id=case_id, now=now)
        uow.cancellations.save(cancellation)
    else:
        case = FalloutCase.open(actor, case_id=case_id, plan=plan, task_id=task_id, category=category, now=now)
        order.record_fallout(actor, case_id=case_id, item_id=case.item_id, now=now)
    uow.fallout_cases.add(case)
    record_fallout_change(uow, "openFalloutCase", case, None)
    start_fallout_repair(uow, case.id, case.order_id, case.plan_id, case.task_id)
    return case


def clear_hold(uow: UnitOfWork, order: ProductOrder, case: FalloutCase) -> None:
    """The case is closed: the order (or the cancel request, for a compensation case) no longer
    waits for it. A final order has no holds left to clear."""
    if order.state.is_final or all(hold.case_id != case.id for hold in order.fallout_holds):
        return
    actor, now = uow.context.actor, uow.now
    if case.is_compensation and order.cancellation_request_id is not None:
        cancellation = load_cancellation(uow, order.cancellation_request_id)
        if cancellation.state is CancellationState.IN_PROGRESS:
            cancellation.clear_compensation_fallout(actor, order, case_id=case.id, now=now)
            uow.cancellations.save(cancellation)
            return
    order.clear_fallout(actor, case_id=case.id, now=now)


def withdraw_moot(uow: UnitOfWork, order: ProductOrder, case_ids: tuple[str, ...], reason: str) -> None:
    """Cases that nobody has to repair any more (their task was superseded, the order is being
    cancelled): withdrawn when still live, and no longer holding the order."""
    for case_id in case_ids:
        case = uow.fallout_cases.get(case_id)
        if case is None:
            continue
        if not case.status.is_final:
            before = fallout_state(case)
            case.withdraw(uow.context.actor, reason=reason, now=uow.now)
            uow.fallout_cases.save(case)
            record_fallout_change(uow, "withdrawFalloutCase", case, before)
            announce_case_closed(uow, case)
        clear_hold(uow, order, case)


def release_closed_holds(uow: UnitOfWork, order: ProductOrder) -> None:
    """Holds whose case was closed while the order could not take the change (a cancellation was
    being assessed) are released once it can."""
    for hold in order.fallout_holds:
        case = uow.fallout_cases.get(hold.case_id)
        if case is not None and case.status.is_final:
            clear_hold(uow, order, case)
