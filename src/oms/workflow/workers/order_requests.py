"""The handlers of the cancellation and amendment processes work on a request of an order: the job
carries both ids, and the request the command loads must belong to the order the process instance is
for (checked inside the command's transaction, so a request of another order is never changed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from oms.application.unit_of_work import UnitOfWork
from oms.workflow.client import Job
from oms.workflow.outcomes import IncidentError
from oms.workflow.workers.context import WorkerDependencies, job_context, run_job_command


class OrderRequest(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def order_id(self) -> str: ...


V = TypeVar("V", bound=OrderRequest)
R = TypeVar("R")


def on_order_request(
    deps: WorkerDependencies,
    job: Job,
    request_variable: str,
    command: Callable[[UnitOfWork, str], V],
    answer: Callable[[V], R],
) -> R:
    """Runs ``command`` on the request named by ``request_variable`` and returns ``answer`` of its view,
    read in the same transaction (an answer that raises commits nothing)."""
    ctx = job_context(job, deps)
    order_id, request_id = ctx.require("orderId"), ctx.require(request_variable)

    def checked(uow: UnitOfWork) -> R:
        view = command(uow, request_id)
        if view.order_id != order_id:
            raise IncidentError(
                f"{job.type}: {request_variable} {view.id!r} belongs to order {view.order_id!r}, the process"
                f" instance {job.process_instance_key} is for order {order_id!r}"
            )
        return answer(view)

    return run_job_command(deps, ctx, checked, orderId=order_id, **{request_variable: request_id})
