"""The FalloutCase aggregate: one failed task waiting for an operator's repair.

A repair changes two aggregates, the case and the plan, and goes through the plan's own commands,
so it can never bypass the task machine: a completed task cannot be skipped or retried, a manual
completion needs evidence, dependencies still hold. The plan command runs first; when it refuses,
the case is left untouched."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from oms.domain.approval.authorization import require
from oms.domain.fallout import events
from oms.domain.fallout.authorization import can_handle_fallout, can_open_fallout, can_withdraw_fallout
from oms.domain.fallout.errors import ReasonRequired, RepairNotApplicable, TaskNotFailed, WrongPlan
from oms.domain.fallout.events import FalloutCaseId
from oms.domain.fallout.lifecycle import (
    FALLOUT_ALLOWED_FROM,
    FALLOUT_EDGES,
    FalloutAction,
    FalloutCategory,
    FalloutStatus,
    RepairKind,
)
from oms.domain.fulfillment.errors import EvidenceRequired, ProtectedParameters
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose
from oms.domain.fulfillment.tasks import FulfillmentTask, PlanId, TaskId, TaskOutcome, TaskState, frozen_mapping
from oms.domain.shared.actors import Actor
from oms.domain.shared.aggregate import AggregateRoot
from oms.domain.shared.errors import IllegalTransition
from oms.domain.shared.ids import ActorId, OrderId, OrderItemId
from oms.domain.shared.time import require_utc


@dataclass(frozen=True)
class Repair:
    """What the operator did, kept on the case as evidence of who decided what."""

    kind: RepairKind
    repaired_by: ActorId
    repaired_at: datetime
    reason: str = ""
    evidence: str | None = None


class FalloutCase(AggregateRoot):
    def __init__(
        self,
        *,
        id: FalloutCaseId,
        order_id: OrderId,
        plan_id: PlanId,
        task_id: TaskId,
        item_id: OrderItemId,
        category: FalloutCategory,
        reason: str,
        status: FalloutStatus,
        opened_at: datetime,
        opened_by: ActorId,
        repair_data: Mapping[str, str] | None = None,
        assignee: ActorId | None = None,
        repair: Repair | None = None,
        closed_at: datetime | None = None,
        close_reason: str = "",
        version: int = 0,
    ) -> None:
        """Rebuild a case as stored; ``open`` makes a new one."""
        super().__init__(version)
        self.id = id
        self.order_id = order_id
        self.plan_id = plan_id
        self.task_id = task_id
        self.item_id = item_id
        self.category = category
        self.reason = reason
        self.status = status
        self.opened_at = opened_at
        self.opened_by = opened_by
        self.repair_data = frozen_mapping(repair_data)
        self.assignee = assignee
        self.repair = repair
        self.closed_at = closed_at
        self.close_reason = close_reason

    @classmethod
    def open(
        cls,
        actor: Actor,
        *,
        case_id: FalloutCaseId,
        plan: FulfillmentPlan,
        task_id: TaskId,
        category: FalloutCategory,
        now: datetime,
        reason: str | None = None,
    ) -> FalloutCase:
        """For a task that failed with a business error; the error's message and details become
        the case's reason and first repair data unless a reason is given."""
        require(can_open_fallout(actor), actor, "open a fallout case")
        require_utc(now, "now")
        task = plan.task(task_id)
        if task.state is not TaskState.FAILED:
            raise TaskNotFailed(task.id, task.state)
        error = task.last_error
        case = cls(
            id=case_id,
            order_id=plan.order_id,
            plan_id=plan.id,
            task_id=task.id,
            item_id=task.item_id,
            category=category,
            reason=reason or (error.message if error else "task failed"),
            status=FalloutStatus.OPEN,
            opened_at=now,
            opened_by=actor.id,
            repair_data=dict(error.details) if error else None,
        )
        case._raise_event(
            events.FalloutCaseOpened(
                case_id, plan.order_id, plan.id, task.id, task.item_id, category, case.reason, actor.id, now
            )
        )
        return case

    @property
    def is_compensation(self) -> bool:
        return self.category is FalloutCategory.COMPENSATION_FAILED

    # -- handling -------------------------------------------------------------------------------

    def assign(self, actor: Actor, *, now: datetime, assignee: ActorId | None = None) -> None:
        """Take the case (or hand it to another operator)."""
        self._check(actor, FalloutAction.ASSIGN, now)
        self.assignee = assignee or actor.id
        self._move_to(FalloutStatus.IN_REPAIR)
        self._raise_event(events.FalloutCaseAssigned(self.id, self.assignee, actor.id, now))
        self._changed()

    def update_repair_data(self, actor: Actor, *, data: Mapping[str, str], now: datetime) -> None:
        """Corrected data for the retry (e.g. the right address); merged over what was there.
        Names starting with ``@`` are the plan's own and cannot be corrected."""
        self._check(actor, FalloutAction.UPDATE_REPAIR_DATA, now)
        protected = sorted(name for name in data if name.startswith("@"))
        if protected:
            raise ProtectedParameters(self.task_id, protected)
        self.repair_data = frozen_mapping({**self.repair_data, **data})
        self._raise_event(events.FalloutRepairDataUpdated(self.id, tuple(sorted(data)), actor.id, now))
        self._changed()

    # -- repairs --------------------------------------------------------------------------------

    def corrections(self, task: FulfillmentTask) -> Mapping[str, str]:
        """What the retried run sends instead of the task's parameters: the repair data, except
        what the case was opened with and nobody changed (the failure's own details, such as its
        reason code, describe the failure; they are not data of the task)."""
        details = task.last_error.details if task.last_error is not None else {}
        return frozen_mapping({name: value for name, value in self.repair_data.items() if details.get(name) != value})

    def retry_task(self, actor: Actor, plan: FulfillmentPlan, *, now: datetime) -> TaskOutcome:
        """The task runs again (a new run, a new idempotency key) with the corrected repair data
        over its parameters."""
        self._check(actor, FalloutAction.RETRY, now, plan)
        corrections = self.corrections(plan.task(self.task_id))
        outcome = plan.retry_task(actor, self.task_id, now=now, corrections=corrections)
        self._resolve(Repair(RepairKind.RETRY, actor.id, now), now)
        return outcome

    def complete_task_manually(
        self,
        actor: Actor,
        plan: FulfillmentPlan,
        *,
        evidence: str,
        now: datetime,
        external_reference: str | None = None,
        data: Mapping[str, str] | None = None,
    ) -> TaskOutcome:
        self._check(actor, FalloutAction.COMPLETE_MANUALLY, now, plan)
        if not evidence.strip():
            raise EvidenceRequired(self.task_id)
        outcome = plan.complete_task_manually(
            actor, self.task_id, evidence=evidence, now=now, external_reference=external_reference, data=data
        )
        self._resolve(Repair(RepairKind.COMPLETE_MANUALLY, actor.id, now, evidence=evidence), now)
        return outcome

    def skip_task(self, actor: Actor, plan: FulfillmentPlan, *, reason: str, now: datetime) -> TaskOutcome:
        self._check(actor, FalloutAction.SKIP, now, plan)
        if not reason.strip():
            raise ReasonRequired(self.id, FalloutAction.SKIP)
        outcome = plan.skip_task(actor, self.task_id, reason=reason, now=now)
        self._resolve(Repair(RepairKind.SKIP, actor.id, now, reason=reason), now)
        return outcome

    def cancel_order(self, actor: Actor, plan: FulfillmentPlan, *, reason: str, now: datetime) -> None:
        """The issue cannot be solved: the operator gives up on the order. The application then
        requests the order's cancellation (which undoes what was done) or, when nothing needs
        undoing, cancels it as unsolvable."""
        self._check(actor, FalloutAction.CANCEL_ORDER, now, plan)
        if not reason.strip():
            raise ReasonRequired(self.id, FalloutAction.CANCEL_ORDER)
        if plan.purpose is PlanPurpose.COMPENSATION:
            # The order is already being cancelled; its compensation must be finished (retry,
            # complete by hand, or skip and accept the leftover), not abandoned.
            raise RepairNotApplicable(self.id, FalloutAction.CANCEL_ORDER, "the order is already being cancelled")
        self.repair = Repair(RepairKind.CANCEL_ORDER, actor.id, now, reason=reason)
        self._close(FalloutStatus.CANCELLED, reason, now)
        self._raise_event(
            events.FalloutCaseCancelled(
                self.id, self.order_id, self.task_id, RepairKind.CANCEL_ORDER, reason, actor.id, now
            )
        )
        self._changed()

    def withdraw(self, actor: Actor, *, reason: str, now: datetime) -> None:
        """The case became moot: its task was superseded by an amendment, or the order was cancelled."""
        require(can_withdraw_fallout(actor), actor, "withdraw a fallout case")
        self._guard(FalloutAction.WITHDRAW)
        require_utc(now, "now")
        if not reason.strip():
            raise ReasonRequired(self.id, FalloutAction.WITHDRAW)
        self._close(FalloutStatus.CANCELLED, reason, now)
        self._raise_event(
            events.FalloutCaseCancelled(self.id, self.order_id, self.task_id, None, reason, actor.id, now)
        )
        self._changed()

    # -- internals ------------------------------------------------------------------------------

    def _check(self, actor: Actor, action: FalloutAction, now: datetime, plan: FulfillmentPlan | None = None) -> None:
        require(can_handle_fallout(actor), actor, str(action))
        self._guard(action)
        require_utc(now, "now")
        if plan is not None and plan.id != self.plan_id:
            raise WrongPlan(self.id, self.plan_id, plan.id)

    def _guard(self, action: FalloutAction) -> None:
        if self.status not in FALLOUT_ALLOWED_FROM[action]:
            raise IllegalTransition("FalloutCase", self.id, self.status, action)

    def _move_to(self, target: FalloutStatus) -> None:
        if target is self.status:
            return  # re-assignment while in repair
        if (self.status, target) not in FALLOUT_EDGES:
            raise IllegalTransition("FalloutCase", self.id, self.status, f"move to {target}")
        self.status = target

    def _resolve(self, repair: Repair, now: datetime) -> None:
        self.repair = repair
        if self.assignee is None:
            self.assignee = repair.repaired_by  # whoever repaired it handled it
        self._close(FalloutStatus.RESOLVED, repair.reason, now)
        self._raise_event(
            events.FalloutCaseResolved(self.id, self.order_id, self.task_id, repair.kind, repair.repaired_by, now)
        )
        self._changed()

    def _close(self, target: FalloutStatus, reason: str, now: datetime) -> None:
        self._move_to(target)
        self.closed_at = now
        self.close_reason = reason
