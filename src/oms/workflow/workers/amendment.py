"""Job handlers of the order-amendment process (``docs/processes.md``).

| job type                   | command            | returns                                                     |
|----------------------------|--------------------|-------------------------------------------------------------|
| ``order.amendment.assess`` | ``assess_amendment`` | ``amendmentDecision``: refused / approvalRequired / accepted |
| ``order.amendment.apply``  | ``apply_amendment``  | ``amendmentApplied`` (false: the plan moved past it, refused) |

``approvalRequired`` makes the process wait for ``order.amendment.decided``, which the operator's
decision (``decide_amendment``, the API) publishes. Applying revises the fulfillment plan in the same
transaction (the running fulfillment picks the revised plan up at its next step)."""

from __future__ import annotations

from functools import partial
from typing import Any

from oms.application.commands.amendment import ApplyAmendment, AssessAmendment, apply_amendment, assess_amendment
from oms.application.commands.amendment_decision import amendment_applied, amendment_decision
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.runtime import Handler
from oms.workflow.workers.context import WorkerDependencies
from oms.workflow.workers.order_requests import on_order_request

REQUEST = "amendmentRequestId"


def assess(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    # The flag is read inside the transaction: an amendment in a state the process cannot be in
    # (not assessed) is an incident and nothing is committed.
    return on_order_request(
        deps,
        job,
        REQUEST,
        lambda uow, request_id: assess_amendment(uow, AssessAmendment(request_id)),
        lambda view: {"amendmentDecision": amendment_decision(view)},
    )


def apply(deps: WorkerDependencies, job: Job) -> dict[str, Any]:
    return on_order_request(
        deps,
        job,
        REQUEST,
        lambda uow, request_id: apply_amendment(uow, ApplyAmendment(request_id)),
        lambda view: {"amendmentApplied": amendment_applied(view)},
    )


def amendment_handlers(deps: WorkerDependencies) -> dict[str, Handler]:
    return {
        job_types.ORDER_AMENDMENT_ASSESS: partial(assess, deps),
        job_types.ORDER_AMENDMENT_APPLY: partial(apply, deps),
    }
