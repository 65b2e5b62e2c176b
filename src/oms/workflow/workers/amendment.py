"""Job handlers of the order-amendment process (``docs/processes.md``).

| job type                   | command            | returns                                                     |
|----------------------------|--------------------|-------------------------------------------------------------|
| ``order.amendment.assess`` | ``assess_amendment`` | ``amendmentDecision``: refused / approvalRequired / accepted |
| ``order.amendment.apply``  | ``apply_amendment``  | ``amendmentApplied`` (false: the plan moved past it, refused) |

``approvalRequired`` makes the process wait for ``order.amendment.decided``, which the operator's
decision (``decide_amendment``, the API) publishes. Applying revises the fulfillment plan in the same
transaction (the running fulfillment picks the revised plan up at its next step)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oms.application.commands.amendment import ApplyAmendment, AssessAmendment, apply_amendment, assess_amendment
from oms.application.commands.amendment_decision import amendment_applied, amendment_decision
from oms.application.order_views import AmendmentView
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.outcomes import IncidentError
from oms.workflow.runtime import Handler
from oms.workflow.workers._job_commands import SERVICE_ID, run_job_command, text_variable


class AmendmentHandlers:
    def __init__(self, uow_factory: UnitOfWorkFactory, *, service_id: str = SERVICE_ID) -> None:
        self._factory = uow_factory
        self._service_id = service_id

    def assess(self, job: Job) -> Mapping[str, Any]:
        order_id, request_id = text_variable(job, "orderId"), text_variable(job, "amendmentRequestId")
        # The flag is read inside the transaction: an amendment in a state the process cannot be in
        # (not assessed) is an incident and nothing is committed.
        return run_job_command(
            self._factory,
            job,
            lambda uow: {
                "amendmentDecision": amendment_decision(
                    _same_order(job, assess_amendment(uow, AssessAmendment(request_id)), order_id)
                )
            },
            aggregate_id=order_id,
            service_id=self._service_id,
        )

    def apply(self, job: Job) -> Mapping[str, Any]:
        order_id, request_id = text_variable(job, "orderId"), text_variable(job, "amendmentRequestId")
        return run_job_command(
            self._factory,
            job,
            lambda uow: {
                "amendmentApplied": amendment_applied(
                    _same_order(job, apply_amendment(uow, ApplyAmendment(request_id)), order_id)
                )
            },
            aggregate_id=order_id,
            service_id=self._service_id,
        )


def _same_order(job: Job, view: AmendmentView, routed: str) -> AmendmentView:
    """Raised inside the command's transaction, so an amendment of another order is never changed."""
    if view.order_id != routed:
        raise IncidentError(
            f"{job.type}: amendment {view.id!r} belongs to order {view.order_id!r}, the process"
            f" instance {job.process_instance_key} is for order {routed!r}"
        )
    return view


def amendment_handlers(uow_factory: UnitOfWorkFactory, *, service_id: str = SERVICE_ID) -> dict[str, Handler]:
    handlers = AmendmentHandlers(uow_factory, service_id=service_id)
    return {
        job_types.ORDER_AMENDMENT_ASSESS: handlers.assess,
        job_types.ORDER_AMENDMENT_APPLY: handlers.apply,
    }
