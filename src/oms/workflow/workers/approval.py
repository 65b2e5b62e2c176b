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

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

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
from oms.application.unit_of_work import UnitOfWork
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.runtime import Handler
from oms.workflow.workers.context import WorkerDependencies, job_context, run_job_command

R = TypeVar("R")


def _on_case(deps: WorkerDependencies, job: Job, command: Callable[[UnitOfWork, str], R]) -> R:
    """Runs ``command`` for the job's approval case (``approvalCaseId``)."""
    ctx = job_context(job, deps)
    case_id = ctx.require("approvalCaseId")
    return run_job_command(deps, ctx, lambda uow: command(uow, case_id), approvalCaseId=case_id)


def evaluate(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    quote_id, case_id = ctx.require("quoteId"), ctx.require("approvalCaseId")
    evaluation = run_job_command(
        deps,
        ctx,
        lambda uow: evaluate_approval(uow, EvaluateApproval(case_id, quote_id)),
        approvalCaseId=case_id,
        quoteId=quote_id,
    )
    return {"approvalRequired": evaluation.approval_required, "approvalOutcome": evaluation.outcome}


def assign(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    _on_case(deps, job, lambda uow, case_id: assign_approvers(uow, AssignApprovers(case_id)))
    return {}


def escalate(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    _on_case(deps, job, lambda uow, case_id: escalate_overdue_approval(uow, EscalateOverdueApproval(case_id)))
    return {}


def expire(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    expiry = _on_case(deps, job, lambda uow, case_id: expire_approval_case(uow, ExpireApprovalCase(case_id)))
    return {"approvalOutcome": expiry.outcome}


def apply_decision(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    _on_case(deps, job, lambda uow, case_id: apply_approval_outcome(uow, ApplyApprovalOutcome(case_id)))
    return {}


def approval_handlers(deps: WorkerDependencies) -> dict[str, Handler]:
    return {
        job_types.QUOTE_APPROVAL_EVALUATE: partial(evaluate, deps),
        job_types.QUOTE_APPROVAL_ASSIGN: partial(assign, deps),
        job_types.QUOTE_APPROVAL_ESCALATE: partial(escalate, deps),
        job_types.QUOTE_APPROVAL_EXPIRE: partial(expire, deps),
        job_types.QUOTE_APPROVAL_APPLY_DECISION: partial(apply_decision, deps),
    }
