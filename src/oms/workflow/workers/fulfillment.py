"""Handlers of the order-fulfillment process: decompose, the three stages, the provisioning timeout's
fallout case, and closing the order. Each builds the job's request context, runs one application
command (``oms.application.commands.fulfillment_steps``) and completes with the variables the contract
lists (docs/processes.md), or throws ``FALLOUT`` with the case the command opened."""

from __future__ import annotations

from functools import partial
from typing import Any

from oms.application.commands.fulfillment_stages import ACTIVATE_BILLING, RESERVE_RESOURCE
from oms.application.commands.fulfillment_steps import (
    RunStage,
    close_fulfilled_order,
    decompose_for_fulfillment,
    run_stage,
)
from oms.application.commands.provisioning_rounds import open_provisioning_timeout, request_provisioning
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.outcomes import BusinessError
from oms.workflow.processes.contract import FALLOUT
from oms.workflow.runtime import Handler
from oms.workflow.workers.context import WorkerDependencies, job_context, job_outcomes, run_job_command

#: the job types whose handlers call external systems (served only by a worker with adapters)
CALLING_EXTERNAL_SYSTEMS = frozenset(
    {
        job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE,
        job_types.ORDER_FULFILLMENT_PROVISION_SERVICE,
        job_types.ORDER_FULFILLMENT_ACTIVATE_BILLING,
        job_types.ORDER_CANCELLATION_COMPENSATE,
    }
)


def needs_systems(job_type: str) -> bool:
    return job_type in CALLING_EXTERNAL_SYSTEMS


def fallout(case_id: str, what: str) -> BusinessError:
    return BusinessError(FALLOUT, f"{what} fell out: fallout case {case_id}", {"falloutCaseId": case_id})


def decompose(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    order_id = ctx.require("orderId")
    with job_outcomes(ctx, orderId=order_id):
        decomposed = decompose_for_fulfillment(deps.uow_factory, ctx.request, order_id)
    return {"nextStep": decomposed.next_step}


def run_synchronous_stage(stage: str, deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    order_id = ctx.require("orderId")
    with job_outcomes(ctx, orderId=order_id):
        outcome = run_stage(deps.uow_factory, ctx.request, deps.require_systems(), RunStage(order_id, stage))
    if outcome.fallout_case_id is not None:
        raise fallout(outcome.fallout_case_id, stage)
    return {"nextStep": outcome.next_step}


def provision_service(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    order_id = ctx.require("orderId")
    with job_outcomes(ctx, orderId=order_id):
        requested = request_provisioning(deps.uow_factory, ctx.request, deps.require_systems(), order_id)
    if requested.fallout_case_id is not None:
        raise fallout(requested.fallout_case_id, "provisioning")
    return {"provisioningRequestId": requested.provisioning_request_id}


def open_fallout(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    order_id = ctx.require("orderId")
    round_id = ctx.require("provisioningRequestId")
    case_id = run_job_command(
        deps,
        ctx,
        lambda uow: open_provisioning_timeout(uow, order_id, round_id),
        orderId=order_id,
        provisioningRequestId=round_id,
    )
    return {"falloutCaseId": case_id}


def close_order(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    ctx = job_context(job, deps)
    order_id = ctx.require("orderId")
    run_job_command(deps, ctx, lambda uow: close_fulfilled_order(uow, order_id), orderId=order_id)
    return {}


def fulfillment_handlers(deps: WorkerDependencies) -> dict[str, Handler]:
    return {
        job_types.ORDER_FULFILLMENT_DECOMPOSE: partial(decompose, deps),
        job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE: partial(run_synchronous_stage, RESERVE_RESOURCE, deps),
        job_types.ORDER_FULFILLMENT_PROVISION_SERVICE: partial(provision_service, deps),
        job_types.ORDER_FULFILLMENT_ACTIVATE_BILLING: partial(run_synchronous_stage, ACTIVATE_BILLING, deps),
        job_types.ORDER_FULFILLMENT_OPEN_FALLOUT: partial(open_fallout, deps),
        job_types.ORDER_FULFILLMENT_CLOSE_ORDER: partial(close_order, deps),
    }
