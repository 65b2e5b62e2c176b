"""Handlers of the fallout-repair process: evaluate the case (``repairMode``) and, once it is
repaired, resume the process waiting for it (``fallout.repaired``, written by the command)."""

from __future__ import annotations

from functools import partial
from typing import Any

from oms.application.commands.fallout_workflow import (
    EvaluateFallout,
    ResumeAfterRepair,
    evaluate_fallout,
    resume_after_repair,
)
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.runtime import Handler
from oms.workflow.workers.context import WorkerDependencies, job_context, run_job_command


def evaluate(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    case_id = ctx.require("falloutCaseId")
    mode = run_job_command(
        deps,
        ctx,
        lambda uow: evaluate_fallout(uow, EvaluateFallout(case_id)),
        falloutCaseId=case_id,
        orderId=ctx.optional("orderId"),
    )
    return {"repairMode": mode}


def resume(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    case_id = ctx.require("falloutCaseId")
    run_job_command(
        deps,
        ctx,
        lambda uow: resume_after_repair(uow, ResumeAfterRepair(case_id)),
        falloutCaseId=case_id,
        orderId=ctx.optional("orderId"),
    )
    return {}


def fallout_handlers(deps: WorkerDependencies) -> dict[str, Handler]:
    return {
        job_types.FALLOUT_REPAIR_EVALUATE: partial(evaluate, deps),
        job_types.FALLOUT_REPAIR_RESUME: partial(resume, deps),
    }
