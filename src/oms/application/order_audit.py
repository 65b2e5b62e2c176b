"""What the audit trail keeps of order aggregates before and after a command: the facts a reviewer
asks about (states, versions, holds, outcomes, who repaired what), not whole documents."""

from __future__ import annotations

from typing import Any

from oms.application.unit_of_work import UnitOfWork
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.plan import FulfillmentPlan
from oms.domain.order.amendment import ProductOrderAmendment
from oms.domain.order.cancellation import CancelProductOrder
from oms.domain.order.model import ProductOrder

Json = dict[str, Any]


def order_state(order: ProductOrder) -> Json:
    totals = order.totals
    return {
        "state": str(order.state),
        "version": order.version,
        "itemStates": {item.item_id: str(item.state) for item in order.items},
        "falloutCaseIds": [hold.case_id for hold in order.fallout_holds],
        "amendmentStatus": None if order.amendment_status is None else str(order.amendment_status),
        "amendmentRequestId": order.amendment_request_id,
        "cancellationRequestId": order.cancellation_request_id,
        "oneTimeTotal": None if totals is None else totals.one_time.to_dict(),
        "recurringMonthlyTotal": None if totals is None else totals.recurring_monthly.to_dict(),
        "rejectionReasons": [str(reason.code) for reason in order.rejection_reasons],
    }


def plan_state(plan: FulfillmentPlan) -> Json:
    return {
        "version": plan.version,
        "purpose": str(plan.purpose),
        "revision": plan.revision,
        "taskStates": {task.id: str(task.state) for task in plan.tasks},
    }


def cancellation_state(request: CancelProductOrder) -> Json:
    return {
        "state": str(request.state),
        "version": request.version,
        "outcome": None if request.outcome is None else str(request.outcome),
        "outcomeReason": request.outcome_reason,
        "compensationPlanId": request.compensation_plan_id,
        "falloutCaseIds": list(request.fallout_case_ids),
    }


def amendment_state(amendment: ProductOrderAmendment) -> Json:
    return {"status": str(amendment.status), "version": amendment.version, "reasons": list(amendment.reasons)}


def fallout_state(case: FalloutCase) -> Json:
    repair = case.repair
    return {
        "status": str(case.status),
        "version": case.version,
        "assignee": case.assignee,
        "repairDataKeys": sorted(case.repair_data),
        "repair": None
        if repair is None
        else {"kind": str(repair.kind), "by": repair.repaired_by, "reason": repair.reason, "evidence": repair.evidence},
    }


def record_order_change(uow: UnitOfWork, action: str, order: ProductOrder, before: Json | None) -> None:
    uow.audit.record(action, "productOrder", order.id, before, order_state(order))


def record_plan_change(uow: UnitOfWork, action: str, plan: FulfillmentPlan, before: Json | None) -> None:
    uow.audit.record(action, "fulfillmentPlan", plan.id, before, plan_state(plan))


def record_cancellation_change(uow: UnitOfWork, action: str, request: CancelProductOrder, before: Json | None) -> None:
    uow.audit.record(action, "cancelProductOrder", request.id, before, cancellation_state(request))


def record_amendment_change(
    uow: UnitOfWork, action: str, amendment: ProductOrderAmendment, before: Json | None
) -> None:
    uow.audit.record(action, "productOrderAmendment", amendment.id, before, amendment_state(amendment))


def record_fallout_change(uow: UnitOfWork, action: str, case: FalloutCase, before: Json | None) -> None:
    uow.audit.record(action, "falloutCase", case.id, before, fallout_state(case))
