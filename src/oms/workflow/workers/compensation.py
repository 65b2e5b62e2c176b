"""``order.cancellation.compensate``: runs the cancellation's compensation plan against the external
systems (through the ledger) until no task is left; a task the system refuses fails with a
``compensationFailed`` case, thrown as ``COMPENSATION_FAILED`` with ``falloutCaseId``."""

from __future__ import annotations

from functools import partial
from typing import Any

from oms.application.commands.fulfillment_steps import run_compensation
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.outcomes import BusinessError
from oms.workflow.processes.contract import COMPENSATION_FAILED
from oms.workflow.runtime import Handler
from oms.workflow.workers.context import WorkerDependencies, job_context, job_outcomes


def compensate(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    request_id = ctx.require("cancellationRequestId")
    with job_outcomes(ctx, orderId=ctx.optional("orderId"), cancellationRequestId=request_id):
        case_id = run_compensation(deps.uow_factory, ctx.request, deps.require_systems(), request_id)
    if case_id is not None:
        raise BusinessError(
            COMPENSATION_FAILED, f"compensation fell out: fallout case {case_id}", {"falloutCaseId": case_id}
        )
    return {}


def compensation_handlers(deps: WorkerDependencies) -> dict[str, Handler]:
    return {job_types.ORDER_CANCELLATION_COMPENSATE: partial(compensate, deps)}
