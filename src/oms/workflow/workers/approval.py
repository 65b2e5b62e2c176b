"""Job handlers of the quote-approval process (``docs/processes.md``): one application command each.

| job type                          | command                          | returns                                |
|-----------------------------------|----------------------------------|----------------------------------------|
| ``quote.approval.evaluate``       | ``evaluate_approval``            | ``approvalRequired``, ``approvalOutcome`` |
| ``quote.approval.assign``         | ``assign_approvers``             | nothing                                |
| ``quote.approval.escalate``       | ``escalate_overdue_approval``    | nothing                                |
| ``quote.approval.expire``         | ``expire_approval_case``         | ``approvalOutcome``                    |
| ``quote.approval.apply-decision`` | ``apply_approval_outcome``       | nothing                                |

Decisions do not pass through a worker: ``record_approval_decision`` (the API) publishes
``quote.approval.decided`` in its own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oms.application.commands.approval import ApplyApprovalOutcome, apply_approval_outcome
from oms.application.commands.approval_workflow import (
    AssignApprovers,
    EscalateOverdueApproval,
    EvaluateApproval,
    ExpireApprovalCase,
    assign_approvers,
    escalate_overdue_approval,
    evaluate_approval,
    expire_approval_case,
)
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.runtime import Handler
from oms.workflow.workers._job_commands import SERVICE_ID, run_job_command, text_variable


class ApprovalHandlers:
    def __init__(self, uow_factory: UnitOfWorkFactory, *, service_id: str = SERVICE_ID) -> None:
        self._factory = uow_factory
        self._service_id = service_id

    def evaluate(self, job: Job) -> Mapping[str, Any]:
        quote_id, case_id = text_variable(job, "quoteId"), text_variable(job, "approvalCaseId")
        evaluation = run_job_command(
            self._factory,
            job,
            lambda uow: evaluate_approval(uow, EvaluateApproval(case_id, quote_id)),
            aggregate_id=case_id,
            service_id=self._service_id,
        )
        return {"approvalRequired": evaluation.approval_required, "approvalOutcome": evaluation.outcome}

    def assign(self, job: Job) -> None:
        case_id = text_variable(job, "approvalCaseId")
        run_job_command(
            self._factory,
            job,
            lambda uow: assign_approvers(uow, AssignApprovers(case_id)),
            aggregate_id=case_id,
            service_id=self._service_id,
        )

    def escalate(self, job: Job) -> None:
        case_id = text_variable(job, "approvalCaseId")
        run_job_command(
            self._factory,
            job,
            lambda uow: escalate_overdue_approval(uow, EscalateOverdueApproval(case_id)),
            aggregate_id=case_id,
            service_id=self._service_id,
        )

    def expire(self, job: Job) -> Mapping[str, Any]:
        case_id = text_variable(job, "approvalCaseId")
        expiry = run_job_command(
            self._factory,
            job,
            lambda uow: expire_approval_case(uow, ExpireApprovalCase(case_id)),
            aggregate_id=case_id,
            service_id=self._service_id,
        )
        return {"approvalOutcome": expiry.outcome}

    def apply_decision(self, job: Job) -> None:
        case_id = text_variable(job, "approvalCaseId")
        run_job_command(
            self._factory,
            job,
            lambda uow: apply_approval_outcome(uow, ApplyApprovalOutcome(case_id)),
            aggregate_id=case_id,
            service_id=self._service_id,
        )


def approval_handlers(uow_factory: UnitOfWorkFactory, *, service_id: str = SERVICE_ID) -> dict[str, Handler]:
    handlers = ApprovalHandlers(uow_factory, service_id=service_id)
    return {
        job_types.QUOTE_APPROVAL_EVALUATE: handlers.evaluate,
        job_types.QUOTE_APPROVAL_ASSIGN: handlers.assign,
        job_types.QUOTE_APPROVAL_ESCALATE: handlers.escalate,
        job_types.QUOTE_APPROVAL_EXPIRE: handlers.expire,
        job_types.QUOTE_APPROVAL_APPLY_DECISION: handlers.apply_decision,
    }
