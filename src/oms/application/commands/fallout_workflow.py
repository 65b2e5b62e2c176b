"""The fallout-repair process's commands and messages.

- ``evaluate_fallout``: how the case gets repaired. Every category is a business exception that
  needs a person, so an open case is ``manual`` (it stays in the operators' queue: open, unassigned);
  a case closed before the process got to it (repaired at once, withdrawn) is ``automatic``: nothing
  to wait for, the waiting process is resumed.
- ``announce_case_closed``: called by the repair commands (and the withdrawal of moot cases) in their
  transaction: ``fallout.case.resolved`` with ``repairAction`` for the process waiting for the operator.
- ``resume_after_repair``: ``fallout.repaired`` for the process waiting for the case (order-fulfillment
  or order-cancellation), message id ``{caseId}:repaired``; for a task of a fulfillment plan it
  carries ``nextStep`` computed from the plan as repaired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from oms.application.commands._fallout_messages import (
    FALLOUT_CASE_RESOLVED,
    REPAIR_ACTIONS,
    WITHDRAW,
    announce_case_closed,
    repair_action,
)
from oms.application.commands._order_loading import load_fallout_case, load_plan
from oms.application.commands.fulfillment_stages import next_step
from oms.application.errors import Conflict
from oms.application.external_systems import Json
from oms.application.unit_of_work import UnitOfWork
from oms.application.workflow import WorkflowMessage

__all__ = [
    "AUTOMATIC",
    "FALLOUT_CASE_RESOLVED",
    "FALLOUT_REPAIRED",
    "MANUAL",
    "REPAIR_ACTIONS",
    "WITHDRAW",
    "EvaluateFallout",
    "ResumeAfterRepair",
    "announce_case_closed",
    "evaluate_fallout",
    "repair_action",
    "resume_after_repair",
]
from oms.domain.fallout.lifecycle import FalloutStatus
from oms.domain.fulfillment.plan import PlanPurpose

FALLOUT_REPAIRED: Final = "fallout.repaired"
AUTOMATIC: Final = "automatic"
MANUAL: Final = "manual"


@dataclass(frozen=True)
class EvaluateFallout:
    case_id: str


@dataclass(frozen=True)
class ResumeAfterRepair:
    case_id: str


def evaluate_fallout(uow: UnitOfWork, request: EvaluateFallout) -> str:
    case = load_fallout_case(uow, request.case_id)
    return AUTOMATIC if case.status.is_final else MANUAL


def resume_after_repair(uow: UnitOfWork, request: ResumeAfterRepair) -> Json:
    """Writes ``fallout.repaired`` (once: its message id) and returns its variables. A case still
    live cannot resume anything (``caseNotClosed``)."""
    case = load_fallout_case(uow, request.case_id)
    if case.status in (FalloutStatus.OPEN, FalloutStatus.IN_REPAIR):
        raise Conflict(
            f"fallout case {case.id!r} is {case.status}: nothing to resume until it is repaired",
            {"id": case.id, "status": str(case.status)},
            code="caseNotClosed",
        )
    plan = load_plan(uow, case.plan_id)
    variables: Json = {} if plan.purpose is PlanPurpose.COMPENSATION else {"nextStep": next_step(plan)}
    uow.workflow_messages.publish(WorkflowMessage(FALLOUT_REPAIRED, case.id, f"{case.id}:repaired", variables))
    return variables
