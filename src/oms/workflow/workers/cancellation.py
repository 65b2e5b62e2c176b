"""Job handlers of the order-cancellation process (``docs/processes.md``): assess and close. The
compensation step (``order.cancellation.compensate``) is served by the compensation worker.

| job type                      | command                 | returns                                             |
|-------------------------------|-------------------------|-----------------------------------------------------|
| ``order.cancellation.assess`` | ``assess_cancellation`` | ``cancellationDecision``: refused / nothingToUndo / |
|                               |                         | compensate                                          |
| ``order.cancellation.close``  | ``finish_cancellation`` | nothing                                             |

An accepted assessment publishes ``order.cancellation.accepted`` in its own transaction, which
stops the order's fulfillment process; a refusal (point of no return) is the flag ``refused``, not
a failure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oms.application.commands.cancellation import (
    AssessCancellation,
    FinishCancellation,
    assess_cancellation,
    cancellation_decision,
    finish_cancellation,
)
from oms.application.order_views import CancellationView
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.outcomes import IncidentError
from oms.workflow.runtime import Handler
from oms.workflow.workers._job_commands import SERVICE_ID, run_job_command, text_variable


class CancellationHandlers:
    def __init__(self, uow_factory: UnitOfWorkFactory, *, service_id: str = SERVICE_ID) -> None:
        self._factory = uow_factory
        self._service_id = service_id

    def assess(self, job: Job) -> Mapping[str, Any]:
        order_id, request_id = text_variable(job, "orderId"), text_variable(job, "cancellationRequestId")
        return run_job_command(
            self._factory,
            job,
            lambda uow: {
                "cancellationDecision": cancellation_decision(
                    _same_order(job, assess_cancellation(uow, AssessCancellation(request_id)), order_id)
                )
            },
            aggregate_id=order_id,
            service_id=self._service_id,
        )

    def close(self, job: Job) -> None:
        order_id, request_id = text_variable(job, "orderId"), text_variable(job, "cancellationRequestId")
        run_job_command(
            self._factory,
            job,
            lambda uow: _same_order(job, finish_cancellation(uow, FinishCancellation(request_id)), order_id),
            aggregate_id=order_id,
            service_id=self._service_id,
        )


def _same_order(job: Job, view: CancellationView, routed: str) -> CancellationView:
    """Raised inside the command's transaction, so a request of another order is never changed."""
    if view.order_id != routed:
        raise IncidentError(
            f"{job.type}: cancel request {view.id!r} belongs to order {view.order_id!r}, the process"
            f" instance {job.process_instance_key} is for order {routed!r}"
        )
    return view


def cancellation_handlers(uow_factory: UnitOfWorkFactory, *, service_id: str = SERVICE_ID) -> dict[str, Handler]:
    handlers = CancellationHandlers(uow_factory, service_id=service_id)
    return {
        job_types.ORDER_CANCELLATION_ASSESS: handlers.assess,
        job_types.ORDER_CANCELLATION_CLOSE: handlers.close,
    }
