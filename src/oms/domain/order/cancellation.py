"""CancelProductOrder (TMF622 v4): a request to cancel an order, with the lifecycle of
shared/specs/lifecycles/tmf622-cancel-product-order.png: acknowledged -> inProgress -> done or
terminatedWithError. Those are exactly the four values of TMF622 v4's ``TaskStateType``; neither
the picture nor the enum has ``rejected``, so a refused cancellation ends ``terminatedWithError``
with the reason recorded (extension ``@oms.cancellationOutcome`` = refused).

Assessment: before the point of no return the cancellation is accepted; the order goes to
pendingCancellation, tasks not started are skipped, and a compensation plan undoes what was done
in reverse dependency order. After it (a point-of-no-return task completed, or in flight) it is
refused and the order goes back where it was. A compensation task that fails opens a fallout
case; the request stays inProgress until the compensation plan can close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from oms.domain.approval.authorization import require
from oms.domain.fallout.events import FalloutCaseId
from oms.domain.fallout.lifecycle import FalloutCategory
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.compensation import compensation_plan, irreversible, tasks_to_compensate
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose
from oms.domain.fulfillment.tasks import PlanId, TaskId
from oms.domain.order import events
from oms.domain.order.authorization import can_progress_order, can_request_cancellation
from oms.domain.order.errors import StaleRequest, WrongOrder
from oms.domain.order.keys import CancellationRequestId
from oms.domain.order.model import ProductOrder
from oms.domain.shared.actors import Actor
from oms.domain.shared.aggregate import AggregateRoot
from oms.domain.shared.errors import IllegalTransition
from oms.domain.shared.ids import ActorId, OrderId
from oms.domain.shared.time import require_utc


class CancellationState(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "inProgress"
    DONE = "done"
    TERMINATED_WITH_ERROR = "terminatedWithError"

    @property
    def is_final(self) -> bool:
        return self in (CancellationState.DONE, CancellationState.TERMINATED_WITH_ERROR)


C = CancellationState
CANCELLATION_EDGES: frozenset[tuple[CancellationState, CancellationState]] = frozenset(
    {(C.ACKNOWLEDGED, C.IN_PROGRESS), (C.IN_PROGRESS, C.DONE), (C.IN_PROGRESS, C.TERMINATED_WITH_ERROR)}
)


class CancellationAction(StrEnum):
    ASSESS = "assess"
    RECORD_FALLOUT = "record a compensation fallout"
    CLEAR_FALLOUT = "clear a compensation fallout"
    FINISH = "finish the compensation"


CANCELLATION_ALLOWED_FROM: dict[CancellationAction, frozenset[CancellationState]] = {
    CancellationAction.ASSESS: frozenset({C.ACKNOWLEDGED}),
    CancellationAction.RECORD_FALLOUT: frozenset({C.IN_PROGRESS}),
    CancellationAction.CLEAR_FALLOUT: frozenset({C.IN_PROGRESS}),
    CancellationAction.FINISH: frozenset({C.IN_PROGRESS}),
}


class CancellationOutcome(StrEnum):
    """Extension ``@oms.cancellationOutcome``."""

    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True)
class CancellationAssessment:
    accepted: bool
    reason: str
    blocking_tasks: tuple[TaskId, ...] = ()  # past their point of no return (refused)
    compensation_plan: FulfillmentPlan | None = None  # accepted: undoes what was done
    skipped_tasks: tuple[TaskId, ...] = ()  # accepted: tasks not started, skipped
    moot_fallout_cases: tuple[FalloutCaseId, ...] = ()  # accepted: the application withdraws them


def cancellation_plan_id(order_id: OrderId, request_id: CancellationRequestId) -> PlanId:
    return PlanId(f"{order_id}:cancellation:{request_id}")


class CancelProductOrder(AggregateRoot):
    def __init__(
        self,
        *,
        id: CancellationRequestId,
        order_id: OrderId,
        state: CancellationState,
        reason: str,
        requested_at: datetime,
        requested_by: ActorId,
        requested_cancellation_date: datetime | None = None,
        effective_cancellation_date: datetime | None = None,
        outcome: CancellationOutcome | None = None,
        outcome_reason: str = "",
        compensation_plan_id: PlanId | None = None,
        fallout_case_ids: tuple[FalloutCaseId, ...] = (),
        version: int = 0,
    ) -> None:
        super().__init__(version)
        self.id = id
        self.order_id = order_id
        self.state = state
        self.reason = reason  # TMF cancellationReason
        self.requested_at = requested_at
        self.requested_by = requested_by
        self.requested_cancellation_date = requested_cancellation_date  # recorded, not scheduled
        self.effective_cancellation_date = effective_cancellation_date
        self.outcome = outcome
        self.outcome_reason = outcome_reason
        self.compensation_plan_id = compensation_plan_id
        self.fallout_case_ids = fallout_case_ids  # open compensation fallout (@oms.falloutStatus)

    @classmethod
    def request(
        cls,
        actor: Actor,
        order: ProductOrder,
        *,
        request_id: CancellationRequestId,
        reason: str,
        now: datetime,
        requested_cancellation_date: datetime | None = None,
    ) -> CancelProductOrder:
        """Moves the order to assessingCancellation (refused by the order's state machine when
        its state has no such edge: acknowledged, or final)."""
        require(can_request_cancellation(actor), actor, "request an order cancellation")
        if requested_cancellation_date is not None:
            require_utc(requested_cancellation_date, "requestedCancellationDate")
        order.request_cancellation(actor, request_id=request_id, reason=reason, now=now)
        request = cls(
            id=request_id,
            order_id=order.id,
            state=C.ACKNOWLEDGED,
            reason=reason,
            requested_at=now,
            requested_by=actor.id,
            requested_cancellation_date=requested_cancellation_date,
        )
        request._raise_event(events.CancelProductOrderCreated(request_id, order.id, reason, actor.id, now))
        return request

    def assess(
        self, actor: Actor, order: ProductOrder, plan: FulfillmentPlan, *, now: datetime
    ) -> CancellationAssessment:
        self._check(actor, CancellationAction.ASSESS, now)
        self._own(order, plan)
        self._move_to(C.IN_PROGRESS, "assessment started", now)
        blocked = irreversible(tasks_to_compensate(plan.tasks))
        if blocked:
            ids = tuple(task.id for task in blocked)
            reason = "point of no return passed: " + ", ".join(ids)
            order.deny_cancellation(actor, request_id=self.id, reason=reason, now=now)
            self._conclude(CancellationOutcome.REFUSED, reason, C.TERMINATED_WITH_ERROR, now)
            return CancellationAssessment(False, reason, blocking_tasks=ids)
        moot = tuple(hold.case_id for hold in order.fallout_holds)
        compensation = compensation_plan(
            actor, plan, plan_id=cancellation_plan_id(self.order_id, self.id), scope=f"cancellation-{self.id}", now=now
        )
        skipped = plan.skip_open_tasks(actor, reason=f"order cancelled ({self.id})", now=now)
        order.accept_cancellation(actor, request_id=self.id, now=now)
        self.compensation_plan_id = compensation.id
        self.outcome = CancellationOutcome.ACCEPTED
        if compensation.can_close():  # nothing was done yet: nothing to undo
            self._finish(order, actor, now)
        else:
            self._changed()
        return CancellationAssessment(True, "before the point of no return", (), compensation, skipped, moot)

    def open_compensation_fallout(
        self,
        actor: Actor,
        order: ProductOrder,
        compensation: FulfillmentPlan,
        *,
        task_id: TaskId,
        case_id: FalloutCaseId,
        now: datetime,
    ) -> FalloutCase:
        """A compensating task failed with a business error: an operator must repair it."""
        self._check(actor, CancellationAction.RECORD_FALLOUT, now)
        self._own_compensation(compensation)
        case = FalloutCase.open(
            actor,
            case_id=case_id,
            plan=compensation,
            task_id=task_id,
            category=FalloutCategory.COMPENSATION_FAILED,
            now=now,
        )
        order.record_fallout(actor, case_id=case_id, item_id=case.item_id, now=now)
        self.fallout_case_ids = (*self.fallout_case_ids, case_id)
        self._changed()
        return case

    def clear_compensation_fallout(
        self, actor: Actor, order: ProductOrder, *, case_id: FalloutCaseId, now: datetime
    ) -> None:
        self._check(actor, CancellationAction.CLEAR_FALLOUT, now)
        order.clear_fallout(actor, case_id=case_id, now=now)
        self.fallout_case_ids = tuple(case for case in self.fallout_case_ids if case != case_id)
        self._changed()

    def finish(self, actor: Actor, order: ProductOrder, compensation: FulfillmentPlan, *, now: datetime) -> None:
        """Every compensating task is completed or skipped: done, and the order is cancelled."""
        self._check(actor, CancellationAction.FINISH, now)
        self._own_compensation(compensation)
        compensation.require_closable()
        self._finish(order, actor, now)

    # -- internals ------------------------------------------------------------------------------

    def _check(self, actor: Actor, action: CancellationAction, now: datetime) -> None:
        require(can_progress_order(actor), actor, str(action))
        if self.state not in CANCELLATION_ALLOWED_FROM[action]:
            raise IllegalTransition("CancelProductOrder", self.id, self.state, action)
        require_utc(now, "now")

    def _own(self, order: ProductOrder, plan: FulfillmentPlan) -> None:
        if order.id != self.order_id:
            raise WrongOrder(self.order_id, "order", order.id)
        # Checked before anything changes, so a stale request cannot skip tasks of the plan.
        if order.cancellation_request_id != self.id:
            raise StaleRequest(self.order_id, "cancellation", order.cancellation_request_id, self.id)
        if plan.order_id != self.order_id or plan.purpose is not PlanPurpose.FULFILLMENT:
            raise WrongOrder(self.order_id, f"{plan.purpose} plan {plan.id}", plan.order_id)

    def _own_compensation(self, plan: FulfillmentPlan) -> None:
        if plan.id != self.compensation_plan_id:
            raise WrongOrder(self.order_id, f"plan {plan.id}", plan.order_id)

    def _finish(self, order: ProductOrder, actor: Actor, now: datetime) -> None:
        order.complete_cancellation(actor, request_id=self.id, reason=self.reason, now=now)
        self.effective_cancellation_date = now
        self._conclude(CancellationOutcome.ACCEPTED, "compensation finished", C.DONE, now)

    def _conclude(self, outcome: CancellationOutcome, reason: str, target: CancellationState, now: datetime) -> None:
        self.outcome = outcome
        self.outcome_reason = reason
        self._move_to(target, reason, now)
        self._changed()

    def _move_to(self, target: CancellationState, reason: str, now: datetime) -> None:
        if (self.state, target) not in CANCELLATION_EDGES:
            raise IllegalTransition("CancelProductOrder", self.id, self.state, f"move to {target}")
        previous, self.state = self.state, target
        self._raise_event(events.CancelProductOrderStateChanged(self.id, self.order_id, previous, target, reason, now))
