"""The approval, cancellation and amendment handlers on the workers' shared job context
(:mod:`oms.workflow.workers.context`): the request context built from the job, the routing ids it must
carry, and one application command run with the shared failure taxonomy (``StaleVersion`` a short
retry, the database away a retry after a back-off, missing context, unknown aggregates and states the
process cannot be in an incident at once). Business refusals are not failures: the commands answer
them and the handlers return the contract's flag."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.workflow.client import Job
from oms.workflow.workers.context import (
    SERVICE_ACTOR_ID,
    MissingContext,
    WorkerDependencies,
    job_context,
    job_outcomes,
)

R = TypeVar("R")

SERVICE_ID = SERVICE_ACTOR_ID


def text_variable(job: Job, name: str) -> str:
    """A routing id the job must carry; its absence is a broken model or instance (an incident)."""
    value = job.variables.get(name)
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if value is None else f"{type(value).__name__} {value!r}"[:120]
        raise MissingContext(
            f"job {job.key} ({job.type}) of process instance {job.process_instance_key} lacks the variable"
            f" {name!r} as a non-empty string (it is {shown})"
        )
    return value


def run_job_command(
    uow_factory: UnitOfWorkFactory,
    job: Job,
    command: Callable[[UnitOfWork], R],
    *,
    aggregate_id: str,
    service_id: str = SERVICE_ID,
) -> R:
    """Run one application command for the job, in one transaction, and classify its failure."""
    ctx = job_context(job, WorkerDependencies(uow_factory, service_actor_id=service_id))
    with job_outcomes(ctx, aggregateId=aggregate_id):
        return run_command(uow_factory, ctx.request, command)
