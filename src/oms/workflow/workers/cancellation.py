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

from functools import partial
from typing import Any

from oms.application.commands.cancellation import (
    AssessCancellation,
    FinishCancellation,
    assess_cancellation,
    cancellation_decision,
    finish_cancellation,
)
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.runtime import Handler
from oms.workflow.workers.context import WorkerDependencies
from oms.workflow.workers.order_requests import on_order_request

REQUEST = "cancellationRequestId"


def assess(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    return on_order_request(
        deps,
        job,
        REQUEST,
        lambda uow, request_id: assess_cancellation(uow, AssessCancellation(request_id)),
        lambda view: {"cancellationDecision": cancellation_decision(view)},
    )


def close(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    return on_order_request(
        deps,
        job,
        REQUEST,
        lambda uow, request_id: finish_cancellation(uow, FinishCancellation(request_id)),
        lambda _: {},
    )


def cancellation_handlers(deps: WorkerDependencies) -> dict[str, Handler]:
    return {
        job_types.ORDER_CANCELLATION_ASSESS: partial(assess, deps),
        job_types.ORDER_CANCELLATION_CLOSE: partial(close, deps),
    }
