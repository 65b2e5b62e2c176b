"""Cancellation commands (TMF622 ``cancelProductOrder``): request, assess, finish.

Requesting moves the order to assessingCancellation and writes the ``order-cancellation`` start
request. Assessing accepts before the point of no return (open tasks skipped, a compensation plan
undoes what was done, moot fallout cases withdrawn) or refuses after it (terminatedWithError, the
order back where it was). The compensation tasks run through the fulfillment task commands with
the compensation plan's id; a business failure there opens a ``compensationFailed`` fallout case.
Finishing needs every compensation task done and cancels the order.

An accepted cancellation publishes ``order.cancellation.accepted`` (correlation key: the order id) in
the assessing transaction: the order's running order-fulfillment instance stops at once (an
interrupting event sub-process), whether compensation follows or there was nothing to undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oms.application.commands._order_fallout import release_closed_holds, withdraw_moot
from oms.application.commands._order_loading import load_cancellation, load_order, load_plan
from oms.application.commands._order_workflow import start_cancellation
from oms.application.errors import Conflict
from oms.application.order_audit import (
    cancellation_state,
    order_state,
    plan_state,
    record_cancellation_change,
    record_order_change,
    record_plan_change,
)
from oms.application.order_views import CancellationView
from oms.application.unit_of_work import UnitOfWork
from oms.application.workflow import WorkflowMessage
from oms.domain.fulfillment.plan import FulfillmentPlan, fulfillment_plan_id
from oms.domain.order.cancellation import CancellationState, CancelProductOrder
from oms.domain.order.keys import CancellationRequestId
from oms.domain.order.model import ProductOrder


@dataclass(frozen=True)
class RequestCancellation:
    order_id: str
    reason: str = ""
    requested_cancellation_date: datetime | None = None  # recorded, not scheduled
    expected_version: int | None = None  # of the order


@dataclass(frozen=True)
class AssessCancellation:
    request_id: str


@dataclass(frozen=True)
class FinishCancellation:
    request_id: str


def request_cancellation(uow: UnitOfWork, request: RequestCancellation) -> CancellationView:
    """The order goes to assessingCancellation; the ``order-cancellation`` workflow is requested.
    An order whose state has no such edge (acknowledged, or final: completed, cancelled …) is
    refused (``illegalTransition``) and nothing is written."""
    actor, now = uow.context.actor, uow.now
    order = load_order(uow, request.order_id, request.expected_version)
    before = order_state(order)
    request_id = CancellationRequestId(uow.new_id())
    cancellation = CancelProductOrder.request(
        actor,
        order,
        request_id=request_id,
        reason=request.reason,
        now=now,
        requested_cancellation_date=request.requested_cancellation_date,
    )
    uow.orders.save(order)
    uow.cancellations.add(cancellation)
    record_order_change(uow, "requestCancellation", order, before)
    record_cancellation_change(uow, "requestCancellation", cancellation, None)
    start_cancellation(uow, order.id, request_id)
    return CancellationView.of(cancellation)


def assess_cancellation(uow: UnitOfWork, request: AssessCancellation) -> CancellationView:
    """Accepted before the point of no return: open tasks skipped, the compensation plan stored,
    moot fallout cases withdrawn (and with nothing to undo, done at once: the order cancelled).
    Refused after it: terminatedWithError, the order back where it was. A request assessed before
    (a redelivered job) is returned as it is."""
    actor, now = uow.context.actor, uow.now
    cancellation = load_cancellation(uow, request.request_id)
    if cancellation.state is not CancellationState.ACKNOWLEDGED:
        return CancellationView.of(cancellation)
    order = load_order(uow, cancellation.order_id)
    plan = _fulfillment_plan(uow, order)
    before, order_before, plan_before = cancellation_state(cancellation), order_state(order), plan_state(plan)
    assessment = cancellation.assess(actor, order, plan, now=now)
    uow.plans.save(plan)
    if plan_before["version"] != plan.version:
        record_plan_change(uow, "skipTasksOfCancelledOrder", plan, plan_before)
    if assessment.compensation_plan is not None:
        uow.plans.add(assessment.compensation_plan)
        record_plan_change(uow, "planCompensation", assessment.compensation_plan, None)
    if assessment.accepted:
        withdraw_moot(uow, order, assessment.moot_fallout_cases, f"the order is being cancelled ({cancellation.id})")
        uow.workflow_messages.publish(cancellation_accepted_message(order.id, cancellation.id))
    else:
        release_closed_holds(uow, order)
    uow.orders.save(order)
    uow.cancellations.save(cancellation)
    record_order_change(uow, "assessCancellation", order, order_before)
    record_cancellation_change(uow, "assessCancellation", cancellation, before)
    return CancellationView.of(cancellation)


# The contract's message and flag values (docs/processes.md, order-fulfillment and order-cancellation).
CANCELLATION_ACCEPTED = "order.cancellation.accepted"
REFUSED, NOTHING_TO_UNDO, COMPENSATE = "refused", "nothingToUndo", "compensate"


def cancellation_accepted_message(order_id: str, request_id: str) -> WorkflowMessage:
    """Stops the order's fulfillment process; one message per cancel request."""
    return WorkflowMessage(
        name=CANCELLATION_ACCEPTED, correlation_key=order_id, message_id=f"{order_id}:cancellation:{request_id}"
    )


def cancellation_decision(view: CancellationView) -> str:
    """``cancellationDecision`` of an assessed request: ``refused`` (point of no return),
    ``nothingToUndo`` (accepted and done at once: the order is cancelled) or ``compensate``."""
    if view.outcome == "refused":
        return REFUSED
    if view.outcome == "accepted":
        return NOTHING_TO_UNDO if view.state == "done" else COMPENSATE
    raise Conflict(
        f"cancel request {view.id!r} is {view.state} and not assessed",
        {"id": view.id, "state": view.state},
        code="illegalTransition",
    )


def finish_cancellation(uow: UnitOfWork, request: FinishCancellation) -> CancellationView:
    """Every compensation task completed or skipped (else ``planNotClosable``): done, and the order
    cancelled. A request already done (a redelivered job) is returned as it is."""
    cancellation = load_cancellation(uow, request.request_id)
    if cancellation.state is CancellationState.DONE:
        return CancellationView.of(cancellation)
    if cancellation.compensation_plan_id is None:
        raise Conflict(
            f"cancel request {cancellation.id!r} is {cancellation.state} without a compensation plan",
            {"id": cancellation.id, "state": str(cancellation.state)},
            code="illegalTransition",
        )
    order = load_order(uow, cancellation.order_id)
    compensation = load_plan(uow, cancellation.compensation_plan_id, for_update=True)
    before, order_before = cancellation_state(cancellation), order_state(order)
    cancellation.finish(uow.context.actor, order, compensation, now=uow.now)
    uow.orders.save(order)
    uow.cancellations.save(cancellation)
    record_order_change(uow, "completeCancellation", order, order_before)
    record_cancellation_change(uow, "finishCancellation", cancellation, before)
    return CancellationView.of(cancellation)


def _fulfillment_plan(uow: UnitOfWork, order: ProductOrder) -> FulfillmentPlan:
    """The order's plan. An order cancelled before it was decomposed gets an empty one, stored so
    the compensation plan can refer to it and a late decomposition finds it (nothing to do)."""
    plan = uow.plans.get(fulfillment_plan_id(order.id), for_update=True)
    if plan is None:
        plan = FulfillmentPlan.create(
            uow.context.actor, plan_id=fulfillment_plan_id(order.id), order_id=order.id, specs=(), now=uow.now
        )
        uow.plans.add(plan)
        record_plan_change(uow, "decomposeOrder", plan, None)
    return plan
